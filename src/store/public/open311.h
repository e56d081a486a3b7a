/*
 * open311.h - storage of the public channel: a report's Open311 row, ratings,
 * clients' updates (store/public/open311.c).
 * Conventions in store/common.h.
 */
#ifndef UG_STORE_OPEN311_H
#define UG_STORE_OPEN311_H

#include "store/common.h"
#include "store/cases/cases.h"

/* ---- the public channel (store/public/open311.c) */

#define OPEN311_TOKEN_LEN 24 /* hex characters */
#define EMAIL_MAX_BYTES 254
#define MEDIA_URL_MAX_BYTES 2048
#define ATTRIBUTES_MAX_BYTES 8000

struct open311_row {
	int64_t case_id;
	char token[OPEN311_TOKEN_LEN + 1];
	char client[USERNAME_MAX + 1];
	char client_addr[64];
	char email[EMAIL_MAX_BYTES + 1];
	char device_id[129];
	char account_id[129];
	char media_url[MEDIA_URL_MAX_BYTES + 1]; /* links, one per line */
	char attributes[ATTRIBUTES_MAX_BYTES + 1]; /* JSON object */
	char rating[24];          /* "" until rated */
	char rating_comment[NOTE_MAX_BYTES + 1];
	int64_t rated_at;
};

int store_open311_insert(struct db *db, const struct open311_row *r,
			 struct ug_error *err);
/* UG_ENOTFOUND when the case did not come through the public channel. */
/* The latest history line, audited change and photo (ids; 0 for none):
 * what every public answer is made from, for the answer cache. */
int store_open311_version(struct db *db, int64_t out[3],
			  struct ug_error *err);
int store_open311_get(struct db *db, int64_t case_id, struct open311_row *r,
		      struct ug_error *err);
int store_open311_by_token(struct db *db, const char *token,
			   struct open311_row *r, struct ug_error *err);
/* Record the rating once: UG_ECONFLICT when the report is rated already. */
int store_open311_rate(struct db *db, int64_t case_id, const char *rating,
		       const char *comment, int64_t at, struct ug_error *err);
/* Remember a client's update: UG_ECONFLICT when (client, update_id) was
 * posted before. */
int store_open311_update_insert(struct db *db, const char *client,
				const char *update_id, int64_t case_id,
				int64_t event_id, struct ug_error *err);

#endif
