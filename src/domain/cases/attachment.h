/*
 * attachment.h - photos of a case (before: the report; after: the
 * handling; the check), stored content-addressed on disk beside the
 * database: <files>/<sha256[0..1]>/<sha256>.  The type is decided by the
 * bytes (magic numbers), never by the name or the declared type: JPEG,
 * PNG and WebP only.
 */
#ifndef UG_ATTACHMENT_H
#define UG_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/org/roles.h"
#include "store/org/org.h"
#include "store/cases/cases.h"

/* "image/jpeg", "image/png", "image/webp" for those bytes, else NULL. */
const char *attachment_sniff(const void *data, size_t len);

/* Store `data` as a photo of case `case_id` of `kind`, which says when
 * and from whom a case takes it:
 *   report  while reported, verified or filed (whoever sees the case);
 *   handle  while dispatched, hung or handled, from a user of the
 *           department the case is dispatched to (the after-photos);
 *   check   while handled or checked, from an inspector;
 *   other   while the case is open.
 * The caller must be allowed to see the case.  The file is written
 * (atomically, once per content) before the database row, so a failure
 * leaves no row pointing at nothing.  Errors: UG_EINVAL naming "kind" or
 * "body" (not an image of an accepted type), UG_ETOOBIG past max_size,
 * UG_ENOTFOUND for an unknown or invisible case, UG_ECONFLICT (field
 * "state", the message names it) for a closed case or a state the kind
 * does not fit, UG_EFORBIDDEN (field "kind") for a user the kind does
 * not fit; nothing is written then. */
int attachment_add(struct db *db, const char *files_dir,
		   const struct actor *a, int64_t case_id, const char *kind,
		   const void *data,
		   size_t len, size_t max_size, int64_t now,
		   struct attachment_row *out, struct ug_error *err);

/* Check and write a photo's file, without a row: fills out's sha256,
 * content_type and size (the rest zeroed).  For callers that insert the
 * row inside a transaction of their own (a public report and its photos
 * are stored together).  Errors name `field`: UG_ETOOBIG, UG_EINVAL (not
 * a JPEG, PNG or WebP), UG_EIO. */
int attachment_save_file(const char *files_dir, const char *field,
			 const void *data, size_t len, size_t max_size,
			 struct attachment_row *out, struct ug_error *err);

/* Path of an attachment's file into out (size bytes). */
void attachment_path(const char *files_dir, const char *sha256, char *out,
		     size_t size);

#endif
