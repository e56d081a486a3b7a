/*
 * render.h - a document (doc.h) written out in one of its formats.
 *
 * Each renderer appends the whole file to `out` (a growable buffer; it is
 * not reset first) and returns 0, or a negative UG_E* code with the reason
 * in err (UG_ENOMEM; UG_EIO when a library fails to write).  Renderers read
 * the document only; the same document may be rendered in every format.
 *
 *   doc_render_html  html.c  a standalone print-ready page: inline CSS,
 *                            tables, charts and the map as inline SVG,
 *                            photos as data: URLs; no script, no outside
 *                            address (intranets are offline)
 *   doc_render_xlsx  xlsx.c  libxlsxwriter: one sheet per table (typed
 *                            cells, number formats, CJK headers, frozen
 *                            header row), native charts, a summary sheet
 *   doc_render_pdf   pdf.c   cairo + pango with the Noto CJK fonts: A4,
 *                            GB/T 9704 layout for DOC_OFFICIAL, tables
 *                            that break across pages repeating their
 *                            header, charts, photos and the map drawn
 */
#ifndef UG_DOC_RENDER_H
#define UG_DOC_RENDER_H

#include "doc/doc.h"
#include "lib/buf.h"
#include "lib/error.h"

enum doc_format {
	DOC_HTML,
	DOC_XLSX,
	DOC_PDF,
};

int doc_render_html(const struct doc *d, struct buf *out,
		    struct ug_error *err);
int doc_render_xlsx(const struct doc *d, struct buf *out,
		    struct ug_error *err);
int doc_render_pdf(const struct doc *d, struct buf *out,
		   struct ug_error *err);

/* Release what the PDF and XLSX renderers' libraries keep for the whole
 * process — pango's fonts of the calling thread, cairo's caches,
 * fontconfig's configuration — so that a leak checker sees none of it.
 * Only at exit, after every render, from the thread that rendered last;
 * rendering again afterwards loads them anew.  (draw.c) */
void doc_render_cleanup(void);

/* "html", "xlsx", "pdf" → *out; UG_EINVAL naming field "format". */
int doc_format_parse(const char *text, enum doc_format *out,
		     struct ug_error *err);
const char *doc_format_name(enum doc_format f);
const char *doc_format_mime(enum doc_format f);

#endif
