/*
 * attachment.c - content-addressed photo storage (see attachment.h).
 */
#include "domain/cases/attachment.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/cases/case.h"
#include "lib/util.h"

const char *attachment_sniff(const void *data, size_t len)
{
	return ug_image_mime(data, len);
}

void attachment_path(const char *files_dir, const char *sha256, char *out,
		     size_t size)
{
	snprintf(out, size, "%s/%.2s/%s", files_dir, sha256, sha256);
}

/* The error of a failed write: a full disk (or quota, or file size
 * limit) is UG_EFULL - try later, nothing kept - anything else UG_EIO. */
static int write_error(int e)
{
	return e == ENOSPC || e == EDQUOT || e == EFBIG ? UG_EFULL : UG_EIO;
}

/* Write the bytes to their content address unless they are there. */
static int write_once(const char *files_dir, const char *sha256,
		      const void *data, size_t len, struct ug_error *err)
{
	char path[4096], tmp[4200], dir[4096];
	struct stat sb;
	const char *p = data;
	size_t left = len;
	int fd;

	attachment_path(files_dir, sha256, path, sizeof path);
	if (stat(path, &sb) == 0 && (size_t)sb.st_size == len)
		return 0;
	snprintf(dir, sizeof dir, "%s/%.2s", files_dir, sha256);
	if ((mkdir(files_dir, 0750) && errno != EEXIST) ||
	    (mkdir(dir, 0750) && errno != EEXIST))
		return ug_fail(err, UG_EIO, NULL, "cannot create %s: %s", dir,
			       strerror(errno));
	/* Write beside, then rename: readers never see half a file. */
	snprintf(tmp, sizeof tmp, "%s.tmp.%d.%lld", path, (int)getpid(),
		 (long long)ug_monotonic_us());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0640);
	if (fd < 0)
		return ug_fail(err, UG_EIO, NULL, "cannot create %s: %s", tmp,
			       strerror(errno));
	while (left) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			unlink(tmp);
			return ug_fail(err, write_error(e), NULL,
				       "cannot write %s: %s", tmp, strerror(e));
		}
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return ug_fail(err, write_error(e), NULL, "cannot store %s: %s",
			       path, strerror(e));
	}
	return 0;
}

int attachment_save_file(const char *files_dir, const char *field,
			 const void *data, size_t len, size_t max_size,
			 struct attachment_row *out, struct ug_error *err)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	const char *type;
	int rc;

	if (len > max_size)
		return ug_fail(err, UG_ETOOBIG, field,
			       "photo larger than %zu bytes", max_size);
	type = attachment_sniff(data, len);
	if (!type)
		return ug_fail(err, UG_EINVAL, field,
			       "%s is not a JPEG, PNG or WebP image", field);
	memset(out, 0, sizeof *out);
	crypto_hash_sha256(hash, data, len);
	sodium_bin2hex(out->sha256, sizeof out->sha256, hash, sizeof hash);
	if ((rc = write_once(files_dir, out->sha256, data, len, err)))
		return rc;
	snprintf(out->content_type, sizeof out->content_type, "%s", type);
	out->size = (int64_t)len;
	return 0;
}

#define S(x) CS_BIT(CS_##x)

/* Which photos a case takes, when and from whom: what the report saw
 * until the case is dispatched; what the handling department did while
 * the case is with it (after-photos); what the inspector's check saw;
 * anything else while the case is open.  A closed case takes none. */
static const struct photo_rule {
	const char *kind;
	unsigned states;        /* CS_BIT()s */
	const char *states_text;
	int inspector_only;     /* the check is an inspector's */
	int handling_department; /* a user of the case's department */
} photo_rules[] = {
	{ "report", S(REPORTED) | S(VERIFIED) | S(FILED),
	  "reported, verified or filed", 0, 0 },
	{ "handle", S(DISPATCHED) | S(HUNG) | S(HANDLED),
	  "dispatched, hung or handled", 0, 1 },
	{ "check", S(HANDLED) | S(CHECKED), "handled or checked", 1, 0 },
	{ "other", CS_OPEN, "open", 0, 0 },
};

/* May u add a photo of rule r to c now?  UG_ECONFLICT naming the state,
 * UG_EFORBIDDEN naming the kind. */
static int photo_allowed(const struct photo_rule *r, const struct actor *a,
			 const struct case_row *c, struct ug_error *err)
{
	int state = case_state_parse(c->state);
	const struct scope s = a->scope;

	if (state < 0 || case_state_terminal(state))
		return ug_fail(err, UG_ECONFLICT, "state",
			       "case %s is %s: it takes no more photos",
			       c->number, c->state);
	if (r->inspector_only && a->role != ROLE_INSPECTOR)
		return ug_fail(err, UG_EFORBIDDEN, "kind",
			       "%s photos are taken by inspectors, not by a "
			       "%s", r->kind, a->user->role);
	if (r->handling_department &&
	    !(s.kind == SCOPE_DEPARTMENT && c->department[0] &&
	      scope_covers_department(&s, c->department)))
		return ug_fail(err, UG_EFORBIDDEN, "kind",
			       "%s photos come from the department handling "
			       "case %s", r->kind, c->number);
	if (!(r->states & CS_BIT(state)))
		return ug_fail(err, UG_ECONFLICT, "state",
			       "%s photos are taken while a case is %s; case "
			       "%s is in state %s", r->kind, r->states_text,
			       c->number, c->state);
	return 0;
}

int attachment_add(struct db *db, const char *files_dir,
		   const struct actor *a, int64_t case_id, const char *kind,
		   const void *data,
		   size_t len, size_t max_size, int64_t now,
		   struct attachment_row *out, struct ug_error *err)
{
	const size_t nrules = sizeof photo_rules / sizeof *photo_rules;
	struct case_row *c;
	size_t k;
	int rc;

	for (k = 0; k < nrules; k++)
		if (strcmp(photo_rules[k].kind, kind) == 0)
			break;
	if (k == nrules)
		return ug_fail(err, UG_EINVAL, "kind",
			       "kind must be report, handle, check or other");
	if (len > max_size)
		return ug_fail(err, UG_ETOOBIG, "body",
			       "photo larger than %zu bytes", max_size);
	if (!attachment_sniff(data, len))
		return ug_fail(err, UG_EINVAL, "body",
			       "the body is not a JPEG, PNG or WebP image");
	c = malloc(sizeof *c);
	if (!c)
		return ug_fail(err, UG_ENOMEM, NULL, "out of memory");
	rc = store_case_get(db, case_id, c, err);
	if (rc == 0 && !case_visible(a, c))
		rc = ug_fail(err, UG_ENOTFOUND, "id", "no case with id %lld",
			     (long long)case_id);
	/* Checked outside a transaction: the file is written before the
	 * row (see below) and fsync must not hold the write lock.  A photo
	 * racing the action that moves the case on is still one taken in
	 * the state its uploader saw. */
	if (rc == 0)
		rc = photo_allowed(&photo_rules[k], a, c, err);
	free(c);
	if (rc || (rc = attachment_save_file(files_dir, "body", data, len,
					     max_size, out, err)))
		return rc;
	out->case_id = case_id;
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	snprintf(out->created_by, sizeof out->created_by, "%s",
		 a->user->username);
	out->created_at = now;
	/* A write transaction, even of one row: the server's writes commit
	 * together (store/db.h, group commit). */
	if ((rc = db_begin_write(db, err)))
		return rc;
	rc = store_attachment_insert(db, out, err);
	return db_end(db, rc, err);
}
