/*
 * test_geojson.c - the GeoJSON FeatureCollection reader (lib/geojson.h):
 * good and broken features in one file (each broken one reported with
 * its index and reason, the good ones delivered), Point features,
 * properties absent or null, documents that are not FeatureCollections,
 * malformed JSON with the same line and column as jansson reports for
 * the whole text, the JSON paths of geojson_polygon(), the point limit,
 * files, stopping early, and out of memory.
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <sys/wait.h>

#include "lib/buf.h"
#include "lib/geojson.h"

static int teardown_fault(void **state)
{
	(void)state;
	fault_arm(FAULT_ALLOC, 0);
	return 0;
}

/* What the callback saw of one feature. */
struct seen {
	size_t index;
	enum geojson_kind kind;
	size_t npolygons, points;
	double x, y, first_x, first_y;
	char error[600];
	char *properties; /* compact JSON text */
};

struct collect {
	struct seen seen[32];
	size_t n;
	size_t stop_at; /* return 42 from this feature's callback (0: never) */
};

static int collect_cb(void *ctx, const struct geojson_feature *f)
{
	struct collect *c = ctx;
	struct seen *s;

	assert_true(c->n < 32);
	s = &c->seen[c->n++];
	memset(s, 0, sizeof *s);
	s->index = f->index;
	s->kind = f->kind;
	s->npolygons = f->shape.npolygons;
	s->points = shape_points(&f->shape);
	s->x = f->x;
	s->y = f->y;
	if (f->shape.npolygons) {
		s->first_x = f->shape.polygons[0].rings[0].x[0];
		s->first_y = f->shape.polygons[0].rings[0].y[0];
	}
	/* Kind and error go together. */
	if (f->kind == GEOJSON_NONE) {
		assert_non_null(f->error);
		assert_int_equal(f->shape.npolygons, 0);
		snprintf(s->error, sizeof s->error, "%s", f->error);
	} else {
		assert_null(f->error);
	}
	assert_true(json_is_object(f->properties));
	s->properties = json_dumps(f->properties, JSON_COMPACT |
					       JSON_SORT_KEYS);
	assert_non_null(s->properties);
	if (c->stop_at && f->index == c->stop_at)
		return 42;
	return 0;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->seen[i].properties);
	c->n = 0;
}

static int read_text(const char *text, struct collect *c,
		     struct ug_error *err)
{
	memset(c, 0, sizeof *c);
	ug_error_clear(err);
	return geojson_read(text, strlen(text), collect_cb, c, err);
}

/* A triangle from (x0, y0) to (x1, y1), closed: four points. */
#define POLY(x0, y0, x1, y1)                                               \
	"{\"type\":\"Polygon\",\"coordinates\":[[[" #x0 "," #y0 "],["    \
	#x1 "," #y0 "],[" #x1 "," #y1 "],[" #x0 "," #y0 "]]]}"

static void test_good_and_bad_features(void **state)
{
	static const char text[] =
		"{\"type\": \"FeatureCollection\", \"name\": \"grids\",\n"
		" \"features\": [\n"
		/* 0: a polygon with properties */
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"1101010010"
		"01\",\"名称\":\"东华门\"},\"geometry\":"
		POLY(116.39, 39.91, 116.40, 39.92) "},\n"
		/* 1: unsupported type */
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"b\"},"
		"\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],"
		"[3,4]]}},\n"
		/* 2: null geometry */
		"{\"type\":\"Feature\",\"properties\":null,"
		"\"geometry\":null},\n"
		/* 3: a string where a number should be */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
		"\"coordinates\":[[[116.4,39.9],[116.41,39.9],"
		"[116.41,\"39.91\"],[116.4,39.9]]]}},\n"
		/* 4: a MultiPolygon with a hole, integers, a third dimension */
		"{\"type\":\"Feature\",\"properties\":{\"n\":4},\"geometry\":{"
		"\"type\":\"MultiPolygon\",\"coordinates\":[[[[116,39],[117,39],"
		"[117,40],[116,40],[116,39]],[[116.2,39.2,50],[116.2,39.4,50],"
		"[116.4,39.4,50],[116.2,39.2,50]]],[[[118,39],[119,39],[119,40],"
		"[118,39]]]]}},\n"
		/* 5: a Point */
		"{\"type\":\"Feature\",\"properties\":{\"kind\":\"井盖\"},"
		"\"geometry\":{\"type\":\"Point\",\"coordinates\":[116.3975,"
		"39.9087]}},\n"
		/* 6: not an object */
		"42,\n"
		/* 7: an empty ring */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\","
		"\"coordinates\":[[[[1,2],[3,4],[1,2]]],[[]]]}},\n"
		/* 8: a polygon without rings */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
		"\"coordinates\":[]}},\n"
		/* 9: a position with one number */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
		"\"coordinates\":[116]}},\n"
		/* 10: wrong feature type */
		"{\"type\":\"Featur\",\"geometry\":" POLY(1, 2, 3, 4) "},\n"
		/* 11: properties neither object nor null */
		"{\"type\":\"Feature\",\"properties\":[1],\"geometry\":"
		POLY(1, 2, 3, 4) "},\n"
		/* 12: no geometry member */
		"{\"type\":\"Feature\",\"properties\":{}},\n"
		/* 13: geometry without type, 14: coordinates not an array */
		"{\"type\":\"Feature\",\"geometry\":{\"coordinates\":[]}},\n"
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
		"\"coordinates\":{}}},\n"
		/* 15: a ring that is not an array, 16: nor a position */
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
		"\"coordinates\":[[[1,2],[3,4]],7]}},\n"
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\","
		"\"coordinates\":[[[1,2],true]]}},\n"
		/* 17: good again, last */
		"{\"type\":\"Feature\",\"geometry\":"
		POLY(116.40, 39.90, 116.41, 39.91) "}\n"
		"]}\n";
	static const struct {
		enum geojson_kind kind;
		const char *error; /* or the properties when kind != NONE */
	} want[] = {
		{ GEOJSON_POLYGON,
		  "{\"code\":\"110101001001\",\"名称\":\"东华门\"}" },
		{ GEOJSON_NONE, "geometry type LineString is not supported" },
		{ GEOJSON_NONE, "geometry is null" },
		{ GEOJSON_NONE,
		  "geometry.coordinates[0][2][1]: expected a number" },
		{ GEOJSON_POLYGON, "{\"n\":4}" },
		{ GEOJSON_POINT, "{\"kind\":\"井盖\"}" },
		{ GEOJSON_NONE, "feature is not an object" },
		{ GEOJSON_NONE, "geometry.coordinates[1][0]: ring has no "
				"points" },
		{ GEOJSON_NONE, "geometry.coordinates: polygon has no rings" },
		{ GEOJSON_NONE, "geometry.coordinates: expected a position "
				"(an array of 2 or more numbers)" },
		{ GEOJSON_NONE, "feature \"type\" is not \"Feature\"" },
		{ GEOJSON_NONE, "properties must be an object or null" },
		{ GEOJSON_NONE, "geometry is missing" },
		{ GEOJSON_NONE, "geometry has no \"type\" string" },
		{ GEOJSON_NONE, "geometry.coordinates: expected a polygon (an "
				"array of rings)" },
		{ GEOJSON_NONE, "geometry.coordinates[1]: expected a ring (an "
				"array of positions)" },
		{ GEOJSON_NONE, "geometry.coordinates[0][1]: expected a "
				"position (an array of 2 or more numbers)" },
		{ GEOJSON_POLYGON, "{}" },
	};
	struct collect c;
	struct ug_error err;

	(void)state;
	tu_assert_ok(read_text(text, &c, &err), err);
	assert_int_equal(c.n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < c.n; i++) {
		const struct seen *s = &c.seen[i];

		assert_int_equal(s->index, i);
		if (s->kind != want[i].kind)
			fail_msg("feature %zu: kind %d, want %d (%s)", i,
				 s->kind, want[i].kind, s->error);
		if (s->kind == GEOJSON_NONE)
			assert_string_equal(s->error, want[i].error);
		else
			assert_string_equal(s->properties, want[i].error);
	}
	/* The shapes as given: no closing, no checks. */
	assert_int_equal(c.seen[0].npolygons, 1);
	assert_int_equal(c.seen[0].points, 4);
	assert_true(c.seen[0].first_x == 116.39 && c.seen[0].first_y == 39.91);
	assert_int_equal(c.seen[4].npolygons, 2);
	assert_int_equal(c.seen[4].points, 5 + 4 + 4);
	assert_true(c.seen[4].first_x == 116 && c.seen[4].first_y == 39);
	assert_true(c.seen[5].x == 116.3975 && c.seen[5].y == 39.9087);
	assert_true(c.seen[17].first_x == 116.40);
	/* Absent and null properties are empty objects. */
	assert_string_equal(c.seen[2].properties, "{}");
	assert_string_equal(c.seen[3].properties, "{}");
	assert_string_equal(c.seen[11].properties, "{}");
	collect_free(&c);
}

static void test_empty_collection_and_bom(void **state)
{
	struct collect c;
	struct ug_error err;

	(void)state;
	tu_assert_ok(read_text("{\"features\":[],"
			       "\"type\":\"FeatureCollection\"}", &c, &err),
		     err);
	assert_int_equal(c.n, 0);
	tu_assert_ok(read_text("\xEF\xBB\xBF {\"type\":\"FeatureCollection\","
			       "\"features\":[ {\"type\":\"Feature\","
			       "\"geometry\":" POLY(1, 2, 3, 4) "} ] } \r\n", &c,
			       &err), err);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.seen[0].kind, GEOJSON_POLYGON);
	collect_free(&c);
	/* Duplicate members: the last counts, as in jansson. */
	tu_assert_ok(read_text("{\"type\":\"Feature\",\"features\":[1,2,3],"
			       "\"type\":\"FeatureCollection\","
			       "\"features\":[{\"type\":\"Feature\","
			       "\"geometry\":null}]}", &c, &err), err);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.seen[0].error, "geometry is null");
	collect_free(&c);
}

static void expect_document_error(const char *text, const char *message)
{
	struct collect c;
	struct ug_error err;

	tu_assert_err(read_text(text, &c, &err), err, UG_EINVAL, NULL);
	assert_string_equal(err.message, message);
	/* A broken document never reaches the callback. */
	assert_int_equal(c.n, 0);
}

static void test_not_a_feature_collection(void **state)
{
	(void)state;
	expect_document_error("{\"type\":\"Feature\",\"geometry\":null}",
			      "not a GeoJSON FeatureCollection (type is "
			      "\"Feature\")");
	expect_document_error("[{\"type\":\"FeatureCollection\"}]",
			      "not a GeoJSON FeatureCollection (not a JSON "
			      "object)");
	expect_document_error("{\"features\":[]}",
			      "not a GeoJSON FeatureCollection (no \"type\" "
			      "string)");
	expect_document_error("{}", "not a GeoJSON FeatureCollection (no "
				    "\"type\" string)");
	expect_document_error("{\"type\":\"FeatureCollection\"}",
			      "FeatureCollection has no \"features\" array");
	expect_document_error("{\"type\":\"FeatureCollection\","
			      "\"features\":[],\"features\":{}}",
			      "FeatureCollection has no \"features\" array");
	expect_document_error("\"FeatureCollection\"",
			      "not a GeoJSON FeatureCollection (not a JSON "
			      "object)");
}

/* Broken JSON: the message has the line and column jansson gives when
 * it parses the whole text, and no feature is delivered even when the
 * break comes after good ones. */
static void test_malformed_json(void **state)
{
	static const char *const texts[] = {
		/* inside a feature, after two good ones */
		"{\"type\":\"FeatureCollection\",\n\"features\":[\n"
		"{\"type\":\"Feature\",\"geometry\":null},\n"
		"{\"type\":\"Feature\",\"geometry\":null},\n"
		"{\"type\":\"Feature\", \"geometry\": {\"type\": \"Point\",\n"
		"  \"coordinates\": [1, 2,]}}]}",
		/* inside a feature on the line where it starts */
		"{\"type\":\"FeatureCollection\",\"features\":[{\"a\":tru}]}",
		/* a member value */
		"{\"type\":\"FeatureCollection\",\n \"name\": \"网格\" x}",
		/* unterminated string with a multi-byte character before */
		"{\"type\":\"FeatureCollection\",\"名\":\"网格,\n\"features\":[]}",
		/* the end of the text inside the array */
		"{\"type\":\"FeatureCollection\",\"features\":[{},\n",
		/* not JSON at all, and nothing */
		"GeoJSON", "", "  \n ",
		/* a number that does not fit */
		"{\"type\":\"FeatureCollection\",\"features\":[1e400]}",
		/* \u0000 in a string */
		"{\"type\":\"FeatureCollection\",\"features\":[\"a\\u0000\"]}",
	};
	struct collect c;
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		json_error_t jerr;
		json_t *whole = json_loads(texts[i], 0, &jerr);
		char prefix[64];

		assert_null(whole);
		tu_assert_err(read_text(texts[i], &c, &err), err, UG_EINVAL,
			      NULL);
		assert_int_equal(c.n, 0);
		snprintf(prefix, sizeof prefix,
			 "malformed JSON at line %d column %d: ", jerr.line,
			 jerr.column);
		if (strncmp(err.message, prefix, strlen(prefix)) != 0)
			fail_msg("text %zu: \"%s\" does not start with \"%s\" "
				 "(jansson: %s)", i, err.message, prefix,
				 jerr.text);
	}
}

/* The errors the reader finds itself between members and elements, at
 * the first character of the offending token (jansson gives its last). */
static void test_malformed_top_level(void **state)
{
	static const struct {
		const char *text, *message;
	} cases[] = {
		{ "{\"type\":\"FeatureCollection\"\n\"features\":[]}",
		  "malformed JSON at line 2 column 1: ',' or '}' expected" },
		{ "{\"type\":\"FeatureCollection\",\"features\":[{}\n{}]}",
		  "malformed JSON at line 2 column 1: ',' or ']' expected" },
		{ "{\"type\":\"FeatureCollection\",\"features\":[]} {}",
		  "malformed JSON at line 1 column 44: end of file expected" },
		{ "{\"type\":\"FeatureCollection\",\"features\":[]}\n\n"
		  "  \xE7\xBD\x91x",
		  "malformed JSON at line 3 column 3: end of file expected" },
		{ "{\"type\" \"FeatureCollection\"}",
		  "malformed JSON at line 1 column 9: ':' expected" },
		{ "{type:1}", "malformed JSON at line 1 column 2: string or "
			      "'}' expected" },
		{ "{", "malformed JSON at line 1 column 1: unexpected end of "
		       "file" },
		{ "{\"type\":\"FeatureCollection\",}",
		  "malformed JSON at line 1 column 29: string expected" },
		{ "{\"type\":\"FeatureCollection\",\"features\":[]",
		  "malformed JSON at line 1 column 41: unexpected end of "
		  "file" },
		/* jansson's message, placed in the whole text */
		{ "{\"type\":\"FeatureCollection\",\"features\":[{},",
		  "malformed JSON at line 1 column 43: unexpected token near "
		  "end of file" },
		{ "[1] x", "malformed JSON at line 1 column 5: end of file "
			   "expected" },
	};
	static const char nul_after_number[] =
		"{\"type\":\"FeatureCollection\",\n\"features\":[1\0]}";
	struct collect c;
	struct ug_error err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		json_error_t jerr;
		json_t *whole = json_loads(cases[i].text, 0, &jerr);

		assert_null(whole);
		tu_assert_err(read_text(cases[i].text, &c, &err), err,
			      UG_EINVAL, NULL);
		assert_string_equal(err.message, cases[i].message);
		assert_int_equal(c.n, 0);
	}
	/* jansson lets this NUL byte pass; the reader refuses it. */
	memset(&c, 0, sizeof c);
	tu_assert_err(geojson_read(nul_after_number,
				   sizeof nul_after_number - 1, collect_cb,
				   &c, &err), err, UG_EINVAL, NULL);
	assert_string_equal(err.message, "malformed JSON at line 2 column 14: "
					 "NUL byte");
	assert_int_equal(c.n, 0);
}

static void test_callback_stops(void **state)
{
	static const char text[] =
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"geometry\":null},"
		"{\"type\":\"Feature\",\"geometry\":" POLY(1, 2, 3, 4) "},"
		"{\"type\":\"Feature\",\"geometry\":null}]}";
	struct collect c;
	struct ug_error err;

	(void)state;
	memset(&c, 0, sizeof c);
	c.stop_at = 1;
	ug_error_clear(&err);
	assert_int_equal(geojson_read(text, strlen(text), collect_cb, &c,
				      &err), 42);
	assert_int_equal(c.n, 2);
	collect_free(&c);
}

/* ---- geojson_polygon -------------------------------------------------- */

static void expect_polygon_error(const char *geometry, int code,
				 const char *field, const char *message)
{
	json_error_t jerr;
	json_t *g = json_loads(geometry, JSON_DECODE_ANY, &jerr);
	struct shape s;
	struct ug_error err;

	if (!g)
		fail_msg("test geometry does not parse: %s", jerr.text);
	memset(&s, 0xAB, sizeof s);
	ug_error_clear(&err);
	tu_assert_err(geojson_polygon(g, &s, &err), err, code, field);
	assert_string_equal(err.message, message);
	assert_null(s.polygons);
	assert_int_equal(s.npolygons, 0);
	json_decref(g);
}

static void test_polygon_paths(void **state)
{
	json_t *g;
	struct shape s;
	struct ug_error err;

	(void)state;
	expect_polygon_error("{\"type\":\"Polygon\",\"coordinates\":[[[1,2],"
			     "[3,4],[5,6],[7,null]]]}", UG_EINVAL,
			     "coordinates[0][3][1]", "expected a number");
	expect_polygon_error("{\"type\":\"MultiPolygon\",\"coordinates\":["
			     "[[[1,2],[3,4],[1,2]]],[[[1,2],[3,4],[\"5\",6]]]"
			     "]}", UG_EINVAL, "coordinates[1][0][2][0]",
			     "expected a number");
	expect_polygon_error("{\"type\":\"MultiPolygon\",\"coordinates\":["
			     "[[[1,2],[3,4],[1,2]]],[]]}", UG_EINVAL,
			     "coordinates[1]", "polygon has no rings");
	expect_polygon_error("{\"type\":\"MultiPolygon\",\"coordinates\":[]}",
			     UG_EINVAL, "coordinates",
			     "MultiPolygon has no polygons");
	expect_polygon_error("{\"type\":\"MultiPolygon\",\"coordinates\":[7]}",
			     UG_EINVAL, "coordinates[0]",
			     "expected a polygon (an array of rings)");
	expect_polygon_error("{\"type\":\"MultiPolygon\"}", UG_EINVAL,
			     "coordinates", "expected an array of polygons");
	expect_polygon_error("{\"type\":\"Point\",\"coordinates\":[1,2]}",
			     UG_EINVAL, "type", "geometry type Point is not a "
			     "Polygon or MultiPolygon");
	expect_polygon_error("{\"coordinates\":[]}", UG_EINVAL, "type",
			     "geometry has no \"type\" string");
	expect_polygon_error("[]", UG_EINVAL, "",
			     "geometry is not an object");

	/* Good: a triangle left open, as given. */
	g = json_loads("{\"type\":\"Polygon\",\"coordinates\":[[[1,2.5],"
		       "[3,4,5,6],[-0.0,1e-300]]],\"bbox\":[0,0,1,1]}", 0,
		       NULL);
	assert_non_null(g);
	ug_error_clear(&err);
	tu_assert_ok(geojson_polygon(g, &s, &err), err);
	assert_int_equal(s.npolygons, 1);
	assert_int_equal(s.polygons[0].nrings, 1);
	assert_int_equal(s.polygons[0].rings[0].n, 3);
	assert_true(s.polygons[0].rings[0].y[0] == 2.5);
	assert_true(s.polygons[0].rings[0].x[1] == 3);
	assert_true(signbit(s.polygons[0].rings[0].x[2]));
	assert_true(s.polygons[0].rings[0].y[2] == 1e-300);
	shape_free(&s);
	json_decref(g);
}

/* More than 16,777,216 points is refused before anything is allocated
 * for them.  Rings that share one position keep the test small. */
static void test_point_limit(void **state)
{
	json_t *pos = json_pack("[f,f]", 116.4, 39.9);
	json_t *big = json_array(), *bigger = json_array(), *g;
	struct shape s;
	struct ug_error err;

	(void)state;
	assert_non_null(pos);
	for (size_t i = 0; i < 8388608; i++)
		assert_int_equal(json_array_append(big, pos), 0);
	assert_int_equal(json_array_extend(bigger, big), 0);
	/* 1 + 8388608 + 8388608: one too many. */
	g = json_pack("{s:s,s:[[[[s,i]]],[O],[O]]}", "type", "MultiPolygon",
		      "coordinates", "x", 0, big, big);
	assert_non_null(g);
	ug_error_clear(&err);
	tu_assert_err(geojson_polygon(g, &s, &err), err, UG_ETOOBIG,
		      "coordinates");
	assert_string_equal(err.message, "more than 16777216 points");
	assert_int_equal(s.npolygons, 0);
	json_decref(g);
	/* 1 + 8388607 + 8388608: the limit itself passes, and the bad
	 * first position is found before the big rings are decoded. */
	assert_int_equal(json_array_remove(big, 0), 0);
	g = json_pack("{s:s,s:[[[[s,i]]],[O],[O]]}", "type", "MultiPolygon",
		      "coordinates", "x", 0, big, bigger);
	assert_non_null(g);
	tu_assert_err(geojson_polygon(g, &s, &err), err, UG_EINVAL,
		      "coordinates[0][0][0][0]");
	json_decref(g);
	json_decref(big);
	json_decref(bigger);
	json_decref(pos);
}

/* ---- files ------------------------------------------------------------ */

static void test_read_file(void **state)
{
	static const char text[] =
		"{\"type\":\"FeatureCollection\",\"features\":[\n"
		"{\"type\":\"Feature\",\"properties\":{\"code\":\"1\"},"
		"\"geometry\":" POLY(116.39, 39.91, 116.40, 39.92) "},\n"
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\","
		"\"coordinates\":[116.4,39.9]}}\n]}\n";
	char dir[256], path[512], broken[512], missing[512];
	struct collect c;
	struct ug_error err;

	(void)state;
	tu_mkdtemp(dir, sizeof dir);
	tu_write_file(dir, "grids.geojson", text, strlen(text));
	tu_write_file(dir, "broken.geojson", text, strlen(text) - 3);
	tu_path(path, sizeof path, dir, "grids.geojson");
	tu_path(broken, sizeof broken, dir, "broken.geojson");
	tu_path(missing, sizeof missing, dir, "missing.geojson");

	memset(&c, 0, sizeof c);
	ug_error_clear(&err);
	tu_assert_ok(geojson_read_file(path, collect_cb, &c, &err), err);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.seen[0].kind, GEOJSON_POLYGON);
	assert_string_equal(c.seen[0].properties, "{\"code\":\"1\"}");
	assert_int_equal(c.seen[1].kind, GEOJSON_POINT);
	collect_free(&c);

	tu_assert_err(geojson_read_file(broken, collect_cb, &c, &err), err,
		      UG_EINVAL, NULL);
	assert_int_equal(strncmp(err.message, broken, strlen(broken)), 0);
	tu_assert_contains(err.message, ": malformed JSON at line 4 ");
	assert_int_equal(c.n, 0);

	tu_assert_err(geojson_read_file(missing, collect_cb, &c, &err), err,
		      UG_EIO, NULL);
	tu_assert_contains(err.message, missing);
	tu_assert_contains(err.message, "No such file");

	/* A directory opens but cannot be read. */
	tu_assert_err(geojson_read_file(dir, collect_cb, &c, &err), err,
		      UG_EIO, NULL);
	tu_assert_contains(err.message, dir);
	tu_rmdir_all(dir);
}

struct tally {
	size_t features, polygons;
};

static int tally_cb(void *ctx, const struct geojson_feature *f)
{
	struct tally *t = ctx;

	t->features++;
	t->polygons += f->kind == GEOJSON_POLYGON;
	return 0;
}

/* A 3 MB file through a FIFO: no size to reserve beforehand, so the
 * text grows read by read. */
static void test_read_from_fifo(void **state)
{
	struct buf text = BUF_INIT;
	char dir[256], path[512];
	struct tally tally = { 0, 0 };
	struct ug_error err;
	size_t n = 0;
	pid_t pid;
	int status, rc;

	(void)state;
	assert_int_equal(buf_puts(&text, "{\"type\":\"FeatureCollection\","
				  "\"features\":["), 0);
	while (text.len < 3 << 20) {
		assert_int_equal(buf_printf(&text, "%s{\"type\":\"Feature\","
					    "\"geometry\":%s}", n ? ",\n" : "",
					    n % 1000 ? "null"
						     : POLY(116.3, 39.9, 116.31,
							    39.91)), 0);
		n++;
	}
	assert_int_equal(buf_puts(&text, "]}"), 0);
	tu_mkdtemp(dir, sizeof dir);
	tu_path(path, sizeof path, dir, "grids.fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *fp = fopen(path, "wb");

		_exit(fp && fwrite(text.data, 1, text.len, fp) == text.len &&
		      fclose(fp) == 0 ? 0 : 1);
	}
	ug_error_clear(&err);
	rc = geojson_read_file(path, tally_cb, &tally, &err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tu_assert_ok(rc, err);
	assert_int_equal(tally.features, n);
	assert_int_equal(tally.polygons, (n + 999) / 1000);
	assert_true(n > 50000);
	tu_rmdir_all(dir);
	buf_free(&text);
}

/* ---- out of memory ---------------------------------------------------- */

static int count_cb(void *ctx, const struct geojson_feature *f)
{
	size_t *n = ctx;

	if (f->kind == GEOJSON_POLYGON)
		*n += shape_points(&f->shape);
	return 0;
}

static void test_out_of_memory(void **state)
{
	static const char text[] =
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"geometry\":" POLY(1, 2, 3, 4) "},"
		"{\"type\":\"Feature\",\"geometry\":{\"type\":\"MultiPolygon\","
		"\"coordinates\":[[[[1,2],[3,4],[1,2]],[[1,2],[3,4],[1,2]]],"
		"[[[1,2],[3,4],[1,2]]]]}}]}";
	struct ug_error err;
	int rc, failures = 0;
	size_t points;

	(void)state;
	for (int nth = 1;; nth++) {
		points = 0;
		ug_error_clear(&err);
		fault_arm(FAULT_ALLOC, nth);
		rc = geojson_read(text, strlen(text), count_cb, &points, &err);
		fault_arm(FAULT_ALLOC, 0);
		if (rc == 0)
			break;
		tu_assert_err(rc, err, UG_ENOMEM, NULL);
		failures++;
	}
	assert_int_equal(points, 4 + 9);
	assert_true(failures >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_and_bad_features),
		cmocka_unit_test(test_empty_collection_and_bom),
		cmocka_unit_test(test_not_a_feature_collection),
		cmocka_unit_test(test_malformed_json),
		cmocka_unit_test(test_malformed_top_level),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_polygon_paths),
		cmocka_unit_test(test_point_limit),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_from_fifo),
		cmocka_unit_test_teardown(test_out_of_memory, teardown_fault),
	};

	return cmocka_run_group_tests_name("geojson", tests, NULL, NULL);
}
