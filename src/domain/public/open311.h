/*
 * open311.h - the public channel in domain terms: what Open311 GeoReport v2
 * clients and the public pages may send and see.  The wire formats (JSON,
 * XML, form fields) are the API layer's (api/open311.c); this module knows
 * cases, services, statuses and what a citizen may read.
 *
 * Services are the 小类 a city opens to the public (category.public).  A
 * service_request_id is the case number ("2026112300012").  Reports land in
 * state `reported` and wait for an inspector's verification (核实) like
 * every public report.  Personal data (name, phone, email, device, account)
 * is stored for staff and never returned by anything here.
 */
#ifndef UG_OPEN311_H
#define UG_OPEN311_H

#include <stddef.h>
#include <stdint.h>

#include "domain/cases/case.h"
#include "store/org/org.h"
#include "store/cases/cases.h"
#include "store/public/open311.h"

enum open311_lang { LANG_ZH, LANG_EN };

/* Attributes of the services (GeoReport "service definition").  They are
 * the same for every service of a kind: the urgency the reporter sees,
 * what the problem affects, and for components the identifier painted on
 * them. */
struct open311_value {
	const char *key;
	const char *name_zh, *name_en;
};

struct open311_attribute {
	const char *code;
	const char *datatype;   /* singlevaluelist | multivaluelist | string */
	int required;
	int order;
	const char *description_zh, *description_en;
	const struct open311_value *values; /* NULL-key terminated, or NULL */
	int components_only;    /* only services of component classes */
};

extern const struct open311_attribute open311_attributes[];
extern const size_t open311_attribute_count;

/* "open" or "closed" for a case state. */
const char *open311_status(const char *state);

/* The status of an update as FixMyStreet's extended statuses say it
 * (IN_PROGRESS, ACTION_SCHEDULED, FIXED, DUPLICATE, ...). */
const char *open311_update_status(const char *state);

/* What a citizen reads about one history event in lang, into out (size
 * bytes; a dispatch names its department, looked up in db); 0 when the
 * event is public, 1 when it is internal (reminders, extensions,
 * locating, supervision: nothing to tell). */
int open311_event_text(struct db *db, const struct case_event_row *e,
		       enum open311_lang lang, char *out, size_t size);

/* A report as a client sends it.  Strings may be NULL (absent). */
struct open311_report {
	const char *service_code;
	const char *description;   /* absent: the service's name */
	int has_location;
	double lat, lon;           /* WGS84 */
	const char *address_string;
	const char *address_id;
	const char *name;          /* or first_name + last_name */
	const char *first_name, *last_name;
	const char *phone, *email, *device_id, *account_id;
	/* photo links given by the client (media_url may repeat) */
	size_t nmedia_urls;
	const char *const *media_url;
	/* attribute values as (code, value) pairs; a code may repeat for a
	 * multivaluelist */
	size_t nattrs;
	const char *const *attr_code;
	const char *const *attr_value;
	/* photos: bytes and the field they came in (for errors) */
	size_t nphotos;
	const void *const *photo;
	const size_t *photo_len;
	const char *const *photo_field;
	const char *client_addr;
};

struct open311_env {
	const struct case_env *cases;
	const char *files_dir;
	size_t photo_limit;
	/* 1: POST answers a token and the service_request_id is told only
	 * once an inspector verified the report; 0: the id at once. */
	int ids_after_verify;
};

/* File a report for the api_client account `client`.  Checks every field
 * (errors name it: service_code, lat, long, description, attribute[code],
 * email, phone, media_url, photo1...), then stores the case, its Open311
 * row and its photos in one transaction.  On success *c is the new case
 * and *row its row (with the token). */
int open311_submit(struct db *db, const struct open311_env *env,
		   const struct actor *client, const struct open311_report *in,
		   int64_t now, struct case_row *c, struct open311_row *row,
		   struct ug_error *err);

/* What every public answer is made from, as three counters (the latest
 * history line, audited change - categories, grids, standards - and
 * photo): an answer made when they read the same is the same answer
 * (web/anscache.h).  Read from the database again once this process
 * has written anything, else at most every 0.1 s (writes by another
 * process show within that).  0, or an error. */
int open311_answers_version(struct db *db, int64_t out[3],
			    struct ug_error *err);

/* A public case by service_request_id (its number): UG_ENOTFOUND for an
 * unknown number or a case of a category not open to the public. */
int open311_find(struct db *db, const char *id, struct case_row *c,
		 struct ug_error *err);

/* By follow token: the case and its row; UG_ENOTFOUND if unknown. */
int open311_find_token(struct db *db, const char *token, struct case_row *c,
		       struct open311_row *row, struct ug_error *err);

/* 1 if the service_request_id of this report may be told to a token
 * holder now (always, unless ids_after_verify and still `reported`). */
int open311_id_released(const struct open311_env *env,
			const struct case_row *c);

#define OPEN311_PHOTOS_MAX 8

/* What the public may know of a case. */
struct open311_view {
	char status[8];                 /* open | closed */
	char status_notes[1024];
	char service_name[NAME_MAX_BYTES + 1];
	char group[NAME_MAX_BYTES + 1];  /* 大类 name */
	char agency[NAME_MAX_BYTES + 1]; /* the department, "" if none */
	int64_t updated;                /* closing time once closed */
	int64_t expected;               /* current deadline, 0 if none */
	char parent[24];                /* merged into this case number */
	int nphotos;
	int64_t photo[OPEN311_PHOTOS_MAX]; /* attachment ids, report first */
	/* links given by the client, one per line ("" if none) */
	char media_url[MEDIA_URL_MAX_BYTES + 1];
	int has_rating;
	char rating[24];
};

/* Fill v for case c (a public case).  A merged report shows the status of
 * the case it joined. */
int open311_view(struct db *db, const struct case_row *c,
		 enum open311_lang lang, struct open311_view *v,
		 struct ug_error *err);

/* The public history of a case, oldest first: cb(ctx, at, text) per
 * event a citizen may read. */
typedef int (*open311_note_cb)(void *ctx, int64_t at, const char *action,
			       const char *text);
int open311_notes(struct db *db, const struct case_row *c,
		  enum open311_lang lang, open311_note_cb cb, void *ctx,
		  struct ug_error *err);

/* A client's update on a report (FixMyStreet posts a citizen's comment
 * with its own update_id): stored as a `comment` event; the pair
 * (client, update_id) is unique (UG_ECONFLICT naming update_id); a case
 * outside the client's area is UG_EFORBIDDEN.
 * Returns the event id (our update_id) in *event_id. */
int open311_comment(struct db *db, const struct actor *client,
		    const char *service_request_id, const char *update_id,
		    const char *description, int64_t now, int64_t *event_id,
		    struct ug_error *err);

/* The reporter's satisfaction (满意 / 基本满意 / 不满意), once, after the
 * case is closed; proved by the follow token.  UG_ECONFLICT when not
 * closed or rated already; UG_EINVAL naming rating/comment.  Recorded
 * in the history as the account the report came through, with the
 * rating in its data, and counted for the assessment at the city's
 * offset (cases->utc_offset). */
int open311_rate(struct db *db, const struct case_env *cases,
		 const char *token, const char *rating, const char *comment,
		 int64_t now, struct ug_error *err);

/* ---- what the public may read (the public side of the access layer) */

/* The categories open to public reporting (the Open311 services), in
 * code order, to cb. */
int open311_services(struct db *db, store_category_cb cb, void *ctx,
		     struct ug_error *err);

/* One of them into *out; UG_ENOTFOUND (field "service_code") for a code
 * that is not a public category - unknown and closed answer alike. */
int open311_service(struct db *db, const char *code, struct category *out,
		    struct ug_error *err);

/* Public requests (store_case_list_public: public categories only), to
 * cb. */
int open311_requests(struct db *db, const char *categories,
		     const char *states, int64_t from, int64_t to,
		     int64_t limit, int64_t offset, store_case_cb cb,
		     void *ctx, struct ug_error *err);

/* Public changes of state between from and to (store_case_events_public),
 * at most limit, to cb. */
int open311_updates(struct db *db, int64_t from, int64_t to, int64_t limit,
		    store_public_event_cb cb, void *ctx,
		    struct ug_error *err);

/* Public photo `id` into *out: only the before and after photos (report,
 * handle) of a case the public may look up (open311_find).  UG_ENOTFOUND
 * ("no such photo", field "id") for any other. */
int open311_photo(struct db *db, int64_t id, struct attachment_row *out,
		  struct ug_error *err);

#endif
