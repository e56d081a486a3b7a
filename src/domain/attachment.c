/*
 * attachment.c - content-addressed photo storage (see attachment.h).
 */
#include "domain/attachment.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/case.h"
#include "lib/util.h"

const char *attachment_sniff(const void *data, size_t len)
{
	const unsigned char *p = data;

	if (len >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF)
		return "image/jpeg";
	if (len >= 8 && memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	return NULL;
}

void attachment_path(const char *files_dir, const char *sha256, char *out,
		     size_t size)
{
	snprintf(out, size, "%s/%.2s/%s", files_dir, sha256, sha256);
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
			return ug_fail(err, UG_EIO, NULL, "cannot write %s: %s",
				       tmp, strerror(e));
		}
		p += n;
		left -= (size_t)n;
	}
	if (fsync(fd) || close(fd) || rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		return ug_fail(err, UG_EIO, NULL, "cannot store %s: %s", path,
			       strerror(e));
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

int attachment_add(struct db *db, const char *files_dir, const struct user *u,
		   int64_t case_id, const char *kind, const void *data,
		   size_t len, size_t max_size, int64_t now,
		   struct attachment_row *out, struct ug_error *err)
{
	static const char *const kinds[] = { "report", "handle", "check",
					     "other" };
	struct case_row *c;
	size_t k;
	int rc;

	for (k = 0; k < sizeof kinds / sizeof *kinds; k++)
		if (strcmp(kinds[k], kind) == 0)
			break;
	if (k == sizeof kinds / sizeof *kinds)
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
	if (rc == 0 && !case_visible(u, c))
		rc = ug_fail(err, UG_ENOTFOUND, "id", "no case with id %lld",
			     (long long)case_id);
	free(c);
	if (rc || (rc = attachment_save_file(files_dir, "body", data, len,
					     max_size, out, err)))
		return rc;
	out->case_id = case_id;
	snprintf(out->kind, sizeof out->kind, "%s", kind);
	snprintf(out->created_by, sizeof out->created_by, "%s", u->username);
	out->created_at = now;
	return store_attachment_insert(db, out, err);
}
