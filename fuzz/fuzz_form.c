/*
 * fuzz_form.c - libFuzzer target for the form-facing and XML-facing code
 * of the public channel: form_parse_urlencoded(), the Open311 reading of
 * those fields (public_report_from_form(): lat/long, attribute[code] and
 * attribute[code][], photos), and jsonxml_write() of everything read.
 *
 * Input: a urlencoded request body.  Invariants: a parse either fails
 * with a field named, or yields NUL-free UTF-8 names and values; a report
 * read from it has finite coordinates in range when it has a location,
 * and no more attributes than fields; the XML written from the fields'
 * values is well formed by fuzz/xml_check.h and says the same text back
 * when read (entities decoded).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "public/channel.h"
#include "lib/form.h"
#include "lib/jsonxml.h"
#include "lib/util.h"

#include "check.h"
#include "xml_check.h"

static const struct jsonxml_list lists[] = { { "fields", "field" } };

/* The text of the first <value> element, entities decoded, into out. */
static size_t first_value(const char *xml, char *out, size_t size)
{
	const char *p = strstr(xml, "<value>"), *e;
	size_t o = 0;

	if (!p)
		return 0;
	p += 7;
	e = strstr(p, "</value>");
	while (p < e && o + 4 < size) {
		if (strncmp(p, "&amp;", 5) == 0)
			out[o++] = '&', p += 5;
		else if (strncmp(p, "&lt;", 4) == 0)
			out[o++] = '<', p += 4;
		else if (strncmp(p, "&gt;", 4) == 0)
			out[o++] = '>', p += 4;
		else if (strncmp(p, "&#13;", 5) == 0)
			out[o++] = '\r', p += 5;
		else
			out[o++] = *p++;
	}
	out[o] = '\0';
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena arena = ARENA_INIT;
	struct form f;
	struct open311_report r;
	struct ug_error err;
	struct buf xml = BUF_INIT;
	json_t *doc, *list;
	int rc, first_packed = 1;

	ug_error_clear(&err);
	form_init(&f, &arena);
	rc = form_parse_urlencoded(&f, (const char *)data, size, &err);
	if (rc) {
		CHECK(err.code == UG_EINVAL);
		CHECK(err.message[0]);
		goto out;
	}
	for (size_t i = 0; i < f.n; i++) {
		CHECK(f.fields[i].name[0]);
		CHECK(strlen(f.fields[i].value) == f.fields[i].len);
		CHECK(ug_utf8_valid(f.fields[i].value, f.fields[i].len));
	}
	ug_error_clear(&err);
	if (public_report_from_form(&f, &arena, &r, &err) == 0) {
		if (r.has_location)
			CHECK(isfinite(r.lat) && isfinite(r.lon) &&
			      fabs(r.lat) <= 90 && fabs(r.lon) <= 180);
		CHECK(r.nattrs <= f.n);
		CHECK(r.nphotos == 0); /* no file parts in urlencoded bodies */
	} else {
		CHECK(err.code == UG_EINVAL && err.field[0]);
	}
	/* Every value through the XML writer, as Open311 answers would carry
	 * it; the first value must read back the same. */
	doc = json_object();
	list = json_array();
	for (size_t i = 0; i < f.n; i++) {
		/* jansson refuses what is not strict UTF-8 (encoded
		 * surrogates): such a value is left out. */
		json_t *item = json_pack("{s:s%}", "value", f.fields[i].value,
					 f.fields[i].len);

		if (!item && i == 0)
			first_packed = 0;
		if (item)
			json_array_append_new(list, item);
	}
	json_object_set_new(doc, "fields", list);
	CHECK(jsonxml_write(&xml, "form", NULL, doc, lists, 1, &err) == 0);
	CHECK(xml_well_formed(xml.data, xml.len));
	if (f.n && first_packed) {
		static char back[1 << 16];
		const char *v = f.fields[0].value;
		int plain = 1;

		/* Characters XML cannot hold come back as U+FFFD. */
		for (const unsigned char *p = (const unsigned char *)v; *p; p++)
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				plain = 0;
		if (plain && strstr(v, "\xEF\xBF\xBE") == NULL &&
		    strstr(v, "\xEF\xBF\xBF") == NULL &&
		    f.fields[0].len < sizeof back - 8)
			CHECK(first_value(xml.data, back, sizeof back) ==
				      f.fields[0].len &&
			      memcmp(back, v, f.fields[0].len) == 0);
	}
	json_decref(doc);
out:
	buf_free(&xml);
	arena_free(&arena);
	return 0;
}
