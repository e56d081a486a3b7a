/*
 * doc.h - a report as a document tree, before it has a format.
 *
 * The 四个一 reports (daily inspection, daily bulletin, weekly review,
 * monthly summary) are written once, as a list of blocks — headings,
 * paragraphs, tables, charts, photos, a map of the area — and rendered
 * three ways by the renderers of render.h: HTML (print-ready), XLSX (one
 * sheet per table, native charts) and PDF (GB/T 9704 layout for official
 * documents).  The domain builds the tree; it never sees a format.
 *
 * Everything in a document lives in the arena given to doc_new(): texts
 * and numbers are copied in, so the caller's buffers may go at once, and
 * the whole document is released with the arena.  Builders return 0 or a
 * negative UG_E* code (UG_ENOMEM; UG_EINVAL for a column, row or class
 * out of range — a bug of the caller, named in the message).
 */
#ifndef UG_DOC_H
#define UG_DOC_H

#include <stddef.h>

#include "lib/arena.h"
#include "lib/error.h"

/* What the document is: an official document (公文) takes the GB/T 9704
 * layout in PDF — the issuing office's name in red above a red rule, the
 * document number, the title, the addressees, the body, the signing office
 * and date; a working paper (the daily inspection sheet) is plain. */
enum doc_style {
	DOC_PLAIN = 0,
	DOC_OFFICIAL = 1,
};

struct doc_meta {
	enum doc_style style;
	const char *title;      /* 标题: "关于2026年11月城市管理综合评价情况的通报" */
	const char *subtitle;   /* the period in words, or NULL */
	const char *office;     /* 发文机关标志: "某某市城市管理监督指挥中心" */
	const char *number;     /* 发文字号: "城管督〔2026〕15号", or NULL */
	const char *addressees; /* 主送机关: "各区城市管理局、各有关部门：", or NULL */
	const char *signer;     /* 发文机关署名 (signing office or person) */
	const char *date;       /* 成文日期 in words: "2026年12月1日" */
	const char *copy_to;    /* 抄送, or NULL */
	const char *lang;       /* "zh-CN" (default) or "en" */
};

/* A table's column: its header and how its numbers are shown. */
enum doc_col_type {
	DOC_COL_TEXT,     /* text as given */
	DOC_COL_INT,      /* whole number: 1,234 */
	DOC_COL_DECIMAL,  /* one decimal place: a score 87.5 */
	DOC_COL_PERCENT,  /* a rate held as 0..1, shown 93.4% */
};

struct doc_column {
	const char *title;
	enum doc_col_type type;
};

/* A cell is empty (no value: "—"), a text, or a number. */
enum doc_cell_kind {
	DOC_CELL_EMPTY = 0,
	DOC_CELL_TEXT,
	DOC_CELL_NUMBER,
};

struct doc_cell {
	enum doc_cell_kind kind;
	const char *text;
	double number;
};

struct doc_table {
	const char *name;     /* short name: the XLSX sheet (≤ 31 chars) */
	const char *caption;  /* the heading above it, or NULL */
	size_t ncols;
	struct doc_column *cols;
	size_t nrows, cap;
	struct doc_cell *cells;  /* row-major, nrows × ncols */
	struct arena *arena;
};

enum doc_chart_kind {
	DOC_CHART_BAR,
	DOC_CHART_LINE,
};

struct doc_series {
	const char *name;
	double *values;  /* one per category */
};

struct doc_chart {
	enum doc_chart_kind kind;
	const char *title;
	const char *unit;        /* axis unit ("件", "%"), or NULL */
	size_t ncats;
	const char **cats;
	size_t nseries, cap;
	struct doc_series *series;
	struct arena *arena;
};

/* A photo as its file's bytes (JPEG, PNG or WebP: the renderers decode). */
struct doc_image {
	const char *caption;
	const unsigned char *data;
	size_t len;
};

/* A map: areas (grids, communities, streets) as rings of WGS84 points,
 * each filled with the colour of its class (a grade, "no data"). */
struct doc_map_class {
	const char *label;  /* "A 优秀" */
	unsigned rgb;       /* 0xRRGGBB */
};

struct doc_map_area {
	const char *label;   /* name, or NULL to leave unlabelled */
	int cls;             /* index into classes */
	size_t npoints;
	double *lonlat;      /* 2 × npoints: lon, lat, lon, lat, … */
	struct doc_map_area *next;
};

struct doc_map {
	const char *title;
	size_t nclasses;
	struct doc_map_class *classes;
	size_t nareas;
	struct doc_map_area *areas, *last;
	double min_lon, min_lat, max_lon, max_lat;  /* extent of all areas */
	struct arena *arena;
};

enum doc_block_kind {
	DOC_HEADING,    /* level 1 一、 2 （一） 3 1. */
	DOC_PARAGRAPH,
	DOC_TABLE,
	DOC_CHART,
	DOC_IMAGE,
	DOC_MAP,
};

struct doc_block {
	enum doc_block_kind kind;
	int level;              /* DOC_HEADING */
	const char *text;       /* DOC_HEADING, DOC_PARAGRAPH */
	union {
		struct doc_table *table;
		struct doc_chart *chart;
		struct doc_image *image;
		struct doc_map *map;
	} u;
	struct doc_block *next;
};

struct doc {
	struct doc_meta meta;
	struct doc_block *first, *last;
	size_t nblocks;
	struct arena *arena;
};

/* A new empty document in arena a; NULL when out of memory.  The meta's
 * strings are copied by doc_set_meta(). */
struct doc *doc_new(struct arena *a);
int doc_set_meta(struct doc *d, const struct doc_meta *m);

int doc_heading(struct doc *d, int level, const char *text);
int doc_paragraph(struct doc *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A table with its columns (copied); rows are added one at a time and
 * start empty.  doc_table() returns NULL when out of memory. */
struct doc_table *doc_table(struct doc *d, const char *name,
			    const char *caption, size_t ncols,
			    const struct doc_column *cols);
/* Append an empty row; its index, or a negative UG_E* code. */
long doc_row(struct doc_table *t);
int doc_cell_text(struct doc_table *t, size_t row, size_t col,
		  const char *text);
int doc_cell_number(struct doc_table *t, size_t row, size_t col, double v);
const struct doc_cell *doc_cell(const struct doc_table *t, size_t row,
				size_t col);

/* A chart over ncats categories (copied); each series gives ncats values. */
struct doc_chart *doc_chart(struct doc *d, enum doc_chart_kind kind,
			    const char *title, const char *unit, size_t ncats,
			    const char *const *cats);
int doc_series(struct doc_chart *c, const char *name, const double *values);

/* A photo; its bytes are copied. */
int doc_image(struct doc *d, const char *caption, const void *data,
	      size_t len);

/* A map with its classes (copied); areas are added one at a time. */
struct doc_map *doc_map(struct doc *d, const char *title, size_t nclasses,
			const struct doc_map_class *classes);
int doc_map_area(struct doc_map *m, const char *label, int cls,
		 size_t npoints, const double *lonlat);

/* How a number of a column is written in text formats (HTML, the PDF):
 * "1,234", "87.5", "93.4%"; "—" for an empty cell.  Returns out. */
const char *doc_format_cell(const struct doc_cell *c, enum doc_col_type t,
			    char *out, size_t size);

/* The tree as JSON, to be kept and rendered again later (a stored
 * report's frozen content): {"meta":{...},"blocks":[{"kind":"heading",
 * ...}]}, photos' bytes in base64.  New reference; NULL without memory.
 * (json.c; an addition of the report branch.) */
struct json_t;
struct json_t *doc_to_json(const struct doc *d);

/* The tree doc_to_json() wrote, into a new document in arena a.
 * UG_EINVAL (field "document") for JSON of another shape; UG_ENOMEM. */
int doc_from_json(struct arena *a, struct json_t *j, struct doc **out,
		  struct ug_error *err);

/* A round step for a chart's value axis over `range`: 1, 2 or 5 × 10^k,
 * about 5 ticks (1 for an empty range); the renderers' one rule (an
 * addition of the render branch).  The photos they show are those of
 * ug_image_mime() (lib/util.h). */
double doc_axis_step(double range);

#endif
