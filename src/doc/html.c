/*
 * html.c - a document as one standalone, print-ready HTML page
 * (render.h): the CSS inline with A4 print rules (a table's header row
 * repeats on every printed page through its thead), charts and the map
 * drawn as inline SVG, photos as data: URLs.  No script and no outside
 * address: the page opens the same on an offline intranet.  Every text
 * of the document is escaped here, never by the caller.
 */
#include "doc/render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/util.h"

static const char css[] =
	"@page{size:A4;margin:25mm 20mm}"
	"body{font-family:\"Noto Serif CJK SC\",\"Songti SC\",SimSun,serif;"
	"color:#000;max-width:210mm;margin:0 auto;padding:12px;"
	"line-height:1.6;font-size:12pt}"
	".office{color:#c00;text-align:center;font-size:26pt;"
	"letter-spacing:2px;margin:8px 0 0}"
	".number{text-align:center;margin:6px 0}"
	".rule{border:0;border-top:2px solid #c00;margin:4px 0 18px}"
	"h1.title{text-align:center;font-size:18pt;margin:12px 0}"
	".subtitle{text-align:center;color:#444}"
	"h2{font-size:14pt;margin:16px 0 6px}"
	"h3{font-size:12pt;margin:12px 0 4px}h4{font-size:12pt;margin:8px 0}"
	"p{text-indent:2em;margin:6px 0}p.addr{text-indent:0}"
	"table{border-collapse:collapse;width:100%;margin:8px 0;"
	"font-size:10pt}"
	"caption{font-weight:bold;margin:4px}"
	"th,td{border:1px solid #555;padding:2px 4px}"
	"th{background:#eee}td.n{text-align:right}"
	"thead{display:table-header-group}tr{page-break-inside:avoid}"
	"figure{margin:10px 0;page-break-inside:avoid;text-align:center}"
	"figure img{max-width:100%;max-height:110mm}"
	"figcaption{font-size:10pt;color:#333}"
	"svg text{font-family:sans-serif}"
	".sign{text-align:right;margin-top:24px}"
	".copy{border-top:1px solid #000;border-bottom:1px solid #000;"
	"margin-top:24px;padding:4px 0}"
	"@media print{body{padding:0;max-width:none}}";

/* Escape s for text and attribute values. */
static int esc(struct buf *b, const char *s)
{
	int rc = 0;

	for (; s && *s && rc == 0; s++) {
		switch (*s) {
		case '&': rc = buf_puts(b, "&amp;"); break;
		case '<': rc = buf_puts(b, "&lt;"); break;
		case '>': rc = buf_puts(b, "&gt;"); break;
		case '"': rc = buf_puts(b, "&quot;"); break;
		case '\'': rc = buf_puts(b, "&#39;"); break;
		default: rc = buf_putc(b, *s);
		}
	}
	return rc;
}

/* <tag class="cls">text</tag>, text escaped; nothing for a NULL text. */
static int element(struct buf *b, const char *tag, const char *cls,
		   const char *text)
{
	if (!text)
		return 0;
	int rc = buf_printf(b, "<%s%s%s%s>", tag, cls ? " class=\"" : "",
			    cls ? cls : "", cls ? "\"" : "");
	rc |= esc(b, text);
	rc |= buf_printf(b, "</%s>\n", tag);
	return rc;
}

static int table(struct buf *b, const struct doc_table *t)
{
	char cell[128];
	int rc = buf_puts(b, "<table>");

	if (t->caption)
		rc |= element(b, "caption", NULL, t->caption);
	rc |= buf_puts(b, "<thead><tr>");
	for (size_t j = 0; j < t->ncols; j++)
		rc |= element(b, "th", NULL, t->cols[j].title);
	rc |= buf_puts(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < t->nrows; i++) {
		rc |= buf_puts(b, "<tr>");
		for (size_t j = 0; j < t->ncols; j++) {
			const struct doc_cell *c = doc_cell(t, i, j);
			int num = c->kind == DOC_CELL_NUMBER;

			rc |= buf_puts(b, num ? "<td class=\"n\">" : "<td>");
			if (c->kind == DOC_CELL_TEXT)
				rc |= esc(b, c->text);
			else
				rc |= esc(b, doc_format_cell(c, t->cols[j].type,
							     cell, sizeof cell));
			rc |= buf_puts(b, "</td>");
		}
		rc |= buf_puts(b, "</tr>\n");
	}
	return rc | buf_puts(b, "</tbody></table>\n");
}

/* The series' colours, in turn. */
static const unsigned palette[] = {
	0x3a78c3, 0xd9412b, 0x2e9d4a, 0xf29a30, 0x8e5bb5, 0x1aa3a3,
	0x7a7a7a, 0xc2417f,
};
#define NPALETTE (sizeof palette / sizeof palette[0])

static int chart(struct buf *b, const struct doc_chart *c)
{
	const double W = 640, H = 320, L = 56, R = 16, T = 36, B = 64;
	double max = 0, min = 0;
	int rc = buf_puts(b, "<figure>");

	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->ncats; i++) {
			double v = c->series[s].values[i];
			if (v > max) max = v;
			if (v < min) min = v;
		}
	if (max <= min)
		max = min + 1;
	double step = doc_axis_step(max - min);
	max = ceil(max / step) * step;
	min = floor(min / step) * step;
	double pw = W - L - R, ph = H - T - B;
#define Y(v) (T + ph - ((v) - min) / (max - min) * ph)
	rc |= buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			 "viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
			 "role=\"img\"><title>", W, H);
	rc |= esc(b, c->title);
	rc |= buf_puts(b, "</title>\n");
	rc |= buf_printf(b, "<text x=\"%.0f\" y=\"20\" text-anchor=\"middle\" "
			 "font-size=\"15\">", W / 2);
	rc |= esc(b, c->title);
	rc |= buf_puts(b, "</text>\n");
	for (double v = min; v <= max + step / 2; v += step) {
		rc |= buf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" "
				 "y2=\"%.1f\" stroke=\"#ddd\"/>"
				 "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
				 "text-anchor=\"end\">%g</text>\n",
				 L, W - R, Y(v), Y(v), L - 4, Y(v) + 4, v);
	}
	if (c->unit) {
		rc |= buf_printf(b, "<text x=\"4\" y=\"%.0f\" font-size=\"11\">",
				 T - 8);
		rc |= esc(b, c->unit);
		rc |= buf_puts(b, "</text>\n");
	}
	double slot = c->ncats ? pw / (double)c->ncats : pw;
	for (size_t i = 0; i < c->ncats; i++) {
		rc |= buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
				 "text-anchor=\"middle\">",
				 L + slot * ((double)i + 0.5), T + ph + 16);
		rc |= esc(b, c->cats[i]);
		rc |= buf_puts(b, "</text>\n");
	}
	for (size_t s = 0; s < c->nseries; s++) {
		unsigned col = palette[s % NPALETTE];
		const double *v = c->series[s].values;

		if (c->kind == DOC_CHART_BAR) {
			double bw = slot * 0.8 / (double)c->nseries;
			for (size_t i = 0; i < c->ncats; i++) {
				double x = L + slot * (double)i + slot * 0.1 +
					   bw * (double)s;
				double y0 = Y(v[i] > 0 ? v[i] : 0);
				double y1 = Y(v[i] > 0 ? 0 : v[i]);
				rc |= buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" "
						 "width=\"%.1f\" height=\"%.1f\" "
						 "fill=\"#%06x\"><title>%g"
						 "</title></rect>\n",
						 x, y0, bw, y1 - y0, col, v[i]);
			}
		} else {
			rc |= buf_printf(b, "<polyline fill=\"none\" "
					 "stroke=\"#%06x\" stroke-width=\"2\" "
					 "points=\"", col);
			for (size_t i = 0; i < c->ncats; i++)
				rc |= buf_printf(b, "%s%.1f,%.1f", i ? " " : "",
						 L + slot * ((double)i + 0.5),
						 Y(v[i]));
			rc |= buf_puts(b, "\"/>\n");
		}
		/* The legend, under the axis. */
		double lx = L + (double)(s % 4) * 150;
		double ly = H - 26 + (double)(s / 4) * 14;
		rc |= buf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" "
				 "height=\"10\" fill=\"#%06x\"/><text x=\"%.1f\" "
				 "y=\"%.1f\" font-size=\"11\">", lx, ly - 9,
				 col, lx + 14, ly);
		rc |= esc(b, c->series[s].name);
		rc |= buf_puts(b, "</text>\n");
	}
#undef Y
	rc |= buf_puts(b, "</svg>");
	rc |= element(b, "figcaption", NULL, c->title);
	return rc | buf_puts(b, "</figure>\n");
}

static int image(struct buf *b, const struct doc_image *im)
{
	const char *type = ug_image_mime(im->data, im->len);
	int rc = buf_puts(b, "<figure>");

	/* Bytes of another kind would be a data: URL of anything. */
	if (type) {
		rc |= buf_printf(b, "<img alt=\"");
		rc |= esc(b, im->caption ? im->caption : "");
		rc |= buf_printf(b, "\" src=\"data:%s;base64,", type);
		rc |= buf_base64(b, im->data, im->len);
		rc |= buf_puts(b, "\">");
	}
	rc |= element(b, "figcaption", NULL, im->caption);
	return rc | buf_puts(b, "</figure>\n");
}

static int map(struct buf *b, const struct doc_map *m)
{
	const double W = 640;
	double lat0 = (m->min_lat + m->max_lat) / 2;
	/* Equirectangular at the middle latitude: true shapes at a city's
	 * size. */
	double kx = cos(lat0 * M_PI / 180);
	double dx = (m->max_lon - m->min_lon) * kx, dy = m->max_lat - m->min_lat;
	int rc = buf_puts(b, "<figure>");

	if (dx <= 0 || dy <= 0)
		dx = dy = 1;
	double s = (W - 20) / dx, H = dy * s + 20;
	if (H > 800) {
		s = 780 / dy;
		H = 800;
	}
	double x0 = (W - dx * s) / 2; /* centred */
	rc |= buf_printf(b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			 "viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" "
			 "role=\"img\"><title>", W, H + 24);
	rc |= esc(b, m->title);
	rc |= buf_puts(b, "</title>\n");
	for (const struct doc_map_area *a = m->areas; a; a = a->next) {
		rc |= buf_printf(b, "<polygon fill=\"#%06x\" stroke=\"#fff\" "
				 "stroke-width=\"0.5\" points=\"",
				 m->classes[a->cls].rgb);
		for (size_t i = 0; i < a->npoints; i++)
			rc |= buf_printf(b, "%s%.1f,%.1f", i ? " " : "",
					 x0 + (a->lonlat[2 * i] - m->min_lon) *
						      kx * s,
					 10 + (m->max_lat -
					       a->lonlat[2 * i + 1]) * s);
		rc |= buf_puts(b, "\">");
		if (a->label) {
			rc |= buf_puts(b, "<title>");
			rc |= esc(b, a->label);
			rc |= buf_puts(b, "</title>");
		}
		rc |= buf_puts(b, "</polygon>\n");
	}
	for (size_t i = 0; i < m->nclasses; i++) {
		double x = 10 + (double)i * 100;
		rc |= buf_printf(b, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" "
				 "height=\"12\" fill=\"#%06x\"/><text x=\"%.0f\" "
				 "y=\"%.0f\" font-size=\"12\">", x, H + 6,
				 m->classes[i].rgb, x + 16, H + 16);
		rc |= esc(b, m->classes[i].label);
		rc |= buf_puts(b, "</text>\n");
	}
	rc |= buf_puts(b, "</svg>");
	rc |= element(b, "figcaption", NULL, m->title);
	return rc | buf_puts(b, "</figure>\n");
}

static int head(struct buf *b, const struct doc_meta *m)
{
	int rc = buf_puts(b, "<!DOCTYPE html>\n<html lang=\"");

	rc |= esc(b, m->lang ? m->lang : "zh-CN");
	rc |= buf_puts(b, "\">\n<head>\n<meta charset=\"utf-8\">\n"
			  "<meta name=\"viewport\" content=\"width=device-width,"
			  "initial-scale=1\">\n");
	rc |= element(b, "title", NULL, m->title ? m->title : "");
	rc |= buf_printf(b, "<style>%s</style>\n</head>\n<body>\n", css);
	if (m->style == DOC_OFFICIAL) {
		/* GB/T 9704: the office in red, the number, a red rule. */
		rc |= element(b, "div", "office", m->office);
		rc |= element(b, "div", "number", m->number);
		rc |= buf_puts(b, "<hr class=\"rule\">\n");
	} else {
		rc |= element(b, "div", "number", m->number);
	}
	rc |= element(b, "h1", "title", m->title);
	rc |= element(b, "div", "subtitle", m->subtitle);
	if (m->style == DOC_OFFICIAL)
		rc |= element(b, "p", "addr", m->addressees);
	return rc;
}

static int tail(struct buf *b, const struct doc_meta *m)
{
	int rc = buf_puts(b, "<div class=\"sign\">");

	if (m->signer) {
		rc |= esc(b, m->signer);
		rc |= buf_puts(b, "<br>");
	}
	rc |= esc(b, m->date);
	rc |= buf_puts(b, "</div>\n");
	if (m->copy_to) {
		rc |= buf_puts(b, "<div class=\"copy\">抄送：");
		rc |= esc(b, m->copy_to);
		rc |= buf_puts(b, "</div>\n");
	}
	return rc | buf_puts(b, "</body>\n</html>\n");
}

int doc_render_html(const struct doc *d, struct buf *out,
		    struct ug_error *err)
{
	int rc = head(out, &d->meta);

	for (const struct doc_block *k = d->first; k && rc == 0; k = k->next) {
		switch (k->kind) {
		case DOC_HEADING: {
			char tag[3] = { 'h', (char)('1' + k->level), 0 };
			rc = element(out, tag, NULL, k->text);
			break;
		}
		case DOC_PARAGRAPH: rc = element(out, "p", NULL, k->text); break;
		case DOC_TABLE: rc = table(out, k->u.table); break;
		case DOC_CHART: rc = chart(out, k->u.chart); break;
		case DOC_IMAGE: rc = image(out, k->u.image); break;
		case DOC_MAP: rc = map(out, k->u.map); break;
		}
	}
	if (rc == 0)
		rc = tail(out, &d->meta);
	return rc ? ug_fail(err, UG_ENOMEM, NULL, "out of memory writing HTML")
		  : 0;
}
