/*
 * view_html.c: the model as one self-contained HTML page, to keep or share
 * a run: no script, no network, no other file, readable on a projector and
 * printable. The scenario's title and description, a chart (inline SVG)
 * of the database hits by phase in each column since the last mark, then
 * every step with its note and its rows side by side. The words of a row
 * are view_text.c's; every text from the trace goes through buf_add_html.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "view_export.h"
#include "view_text.h"

static const char style[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;"
	"color:#1d2026;background:#fff}"
	"h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin-top:2rem}"
	"h3{font-size:1rem;margin:1.4rem 0 .3rem;border-top:1px solid #ccd;padding-top:.6rem}"
	".desc{color:#444;max-width:50rem}.meta{color:#667;font-size:.85rem}"
	".note{background:#f3f1e4;border-left:4px solid #c9b458;padding:.4rem .8rem;max-width:50rem}"
	".mark{color:#6a4bc4;font-weight:600}"
	"table.rows{border-collapse:collapse;width:100%;table-layout:fixed;font-size:.85rem}"
	"table.rows th{text-align:left;border-bottom:2px solid #889;padding:.2rem .4rem}"
	"table.rows td{padding:.1rem .4rem;vertical-align:top;overflow-wrap:anywhere;"
	"border-left:1px solid #dde}"
	"table.rows td:first-child{border-left:none}"
	".s-dim{color:#778}.s-span{font-weight:600}.s-query{color:#b3261e}"
	".s-avoided{color:#1e7a36}.s-passed{color:#1e7a36}.s-failed{color:#b3261e;font-weight:600}"
	".hits{color:#445;font-size:.85rem;margin:.3rem 0 0}"
	"tr.all td{font-weight:600}"
	"table.total{border-collapse:collapse;margin:.5rem 0}"
	"table.total td,table.total th{padding:.15rem .8rem;text-align:right}"
	"table.total th:first-child,table.total td:first-child{text-align:left}"
	"svg text{font:12px system-ui,sans-serif}"
	"@media print{body{margin:0;max-width:none;font-size:11px}"
	"section.step{break-inside:avoid}h2{break-after:avoid}a{color:inherit}}";

/* The colours of the phases in the chart, with a legend. */
static const char *const phase_fill[TG_COUNT] = {"#5b7bd5", "#d5805b", "#b35bd5", "#9aa0a8"};

static const char *style_class(enum view_style s)
{
	switch (s) {
	case VS_DIM: return "s-dim";
	case VS_SPAN: return "s-span";
	case VS_QUERY: return "s-query";
	case VS_AVOIDED: return "s-avoided";
	case VS_PASSED: return "s-passed";
	case VS_FAILED: return "s-failed";
	default: return "s-plain";
	}
}

static const char *column_name(struct model *m, size_t c)
{
	return model_variant(m, (size_t)model_column_variant(m, c));
}

/* The chart: for each column, a bar per phase, labelled with its count. */
static void chart(struct buf *b, struct model *m, struct model_pos end)
{
	size_t nc = model_column_count(m);
	uint64_t by[MODEL_MAX_COLUMNS][TG_COUNT], total[MODEL_MAX_COLUMNS], most = 1;
	const int bar = 26, gap = 6, group_gap = 40, left = 40, top = 20, height = 180;

	for (size_t c = 0; c < nc; c++) {
		total[c] = model_count(m, end, c, by[c]);
		for (int p = 0; p < TG_COUNT; p++)
			if (by[c][p] > most)
				most = by[c][p];
	}
	int group_w = TG_COUNT * (bar + gap) - gap;
	int width = left + (int)nc * (group_w + group_gap) + 160;
	buf_addf(b, "<svg role=\"img\" aria-label=\"database hits by phase\" width=\"%d\" height=\"%d\" "
		    "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">",
		 width, height + top + 50, width, height + top + 50);
	buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#889\"/>", left - 6,
		 top + height, width - 150, top + height);
	for (size_t c = 0; c < nc; c++) {
		int x0 = left + (int)c * (group_w + group_gap);
		for (int p = 0; p < TG_COUNT; p++) {
			int h = (int)(by[c][p] * (uint64_t)(height - 20) / most);
			int x = x0 + p * (bar + gap), y = top + height - h;
			buf_addf(b, "<rect class=\"bar\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
				    "<title>",
				 x, y, bar, h, phase_fill[p]);
			buf_add_html(b, column_name(m, c));
			buf_addf(b, ", %s: %llu</title></rect>", view_phase_name((enum trace_group)p),
				 (unsigned long long)by[c][p]);
			buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%llu</text>", x + bar / 2,
				 y - 4, (unsigned long long)by[c][p]);
		}
		buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-weight=\"600\">", x0 + group_w / 2,
			 top + height + 18);
		buf_add_html(b, column_name(m, c));
		buf_addf(b, "</text><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%llu in all</text>",
			 x0 + group_w / 2, top + height + 34, (unsigned long long)total[c]);
	}
	for (int p = 0; p < TG_COUNT; p++) {
		int y = top + 10 + p * 20;
		buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
			    "<text x=\"%d\" y=\"%d\">%s</text>",
			 width - 140, y, phase_fill[p], width - 122, y + 10,
			 view_phase_name((enum trace_group)p));
	}
	buf_adds(b, "</svg>");
}

/* A <th> per column, its variant's name. */
static void column_headers(struct buf *b, struct model *m)
{
	for (size_t c = 0; c < model_column_count(m); c++) {
		buf_adds(b, "<th>");
		buf_add_html(b, column_name(m, c));
		buf_adds(b, "</th>");
	}
}

/* The counts of END's section as a table, columns by phase. */
static void totals(struct buf *b, struct model *m, struct model_pos end)
{
	size_t nc = model_column_count(m);
	uint64_t by[MODEL_MAX_COLUMNS][TG_COUNT], total[MODEL_MAX_COLUMNS];

	for (size_t c = 0; c < nc; c++)
		total[c] = model_count(m, end, c, by[c]);
	buf_adds(b, "<table class=\"total\"><tr><th>phase</th>");
	column_headers(b, m);
	buf_adds(b, "</tr>");
	for (int p = 0; p < TG_COUNT; p++) {
		buf_addf(b, "<tr><td>%s</td>", view_phase_name((enum trace_group)p));
		for (size_t c = 0; c < nc; c++)
			buf_addf(b, "<td>%llu</td>", (unsigned long long)by[c][p]);
		buf_adds(b, "</tr>");
	}
	buf_adds(b, "<tr class=\"all\"><td>all</td>");
	for (size_t c = 0; c < nc; c++)
		buf_addf(b, "<td>%llu</td>", (unsigned long long)total[c]);
	buf_adds(b, "</tr></table>");
}

static void step_section(struct buf *b, struct model *m, uint32_t s, uint32_t shown)
{
	const struct model_step *st = model_step(m, s);
	size_t nc = model_column_count(m);
	char label[1024];

	buf_addf(b, "<section class=\"step\" id=\"step-%u\"><h3>step %u/%u: ", st->number, st->number,
		 shown);
	buf_add_html(b, st->note ? st->verb : st->text);
	buf_adds(b, "</h3>");
	if (st->mark) {
		buf_adds(b, "<p class=\"mark\">mark \u201c");
		buf_add_html(b, st->mark);
		buf_adds(b, "\u201d: the counters start here</p>");
	}
	if (st->note) {
		buf_adds(b, "<p class=\"note\">");
		buf_add_html(b, st->note);
		buf_adds(b, "</p>");
	}
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, s, &n);
	if (n > 1) {
		buf_adds(b, "<table class=\"rows\"><thead><tr>");
		column_headers(b, m);
		buf_adds(b, "</tr></thead><tbody>");
		for (uint32_t r = 1; r < n; r++) {
			buf_adds(b, "<tr>");
			for (size_t c = 0; c < nc; c++) {
				uint32_t ev = rows[r].ev[c];
				if (ev == MODEL_NONE) {
					buf_adds(b, "<td></td>");
					continue;
				}
				enum view_style vs = view_label(m, ev, label, sizeof(label), 0);
				buf_addf(b, "<td class=\"%s\" style=\"padding-left:%.1fem\">", style_class(vs),
					 0.4 + model_event(m, ev)->depth * 1.2);
				buf_add_html(b, view_glyph(vs, 1));
				buf_add_html(b, label);
				buf_adds(b, "</td>");
			}
			buf_adds(b, "</tr>");
		}
		buf_adds(b, "</tbody></table>");
	}
	/* this step's hits, per column, when there are any */
	uint64_t any = 0;
	for (size_t c = 0; c < nc; c++)
		for (int p = 0; p < TG_COUNT; p++)
			any += st->queries[model_column_variant(m, c)][p];
	if (any) {
		buf_adds(b, "<p class=\"hits\">hits: ");
		for (size_t c = 0; c < nc; c++) {
			int v = model_column_variant(m, c);
			uint64_t t = 0;
			for (int p = 0; p < TG_COUNT; p++)
				t += st->queries[v][p];
			if (c)
				buf_adds(b, " \u00b7 ");
			buf_add_html(b, column_name(m, c));
			buf_addf(b, " %llu", (unsigned long long)t);
			int first = 1;
			for (int p = 0; p < TG_COUNT; p++) {
				if (!st->queries[v][p])
					continue;
				buf_addf(b, "%s%s %u", first ? " (" : ", ", view_phase_name((enum trace_group)p),
					 st->queries[v][p]);
				first = 0;
			}
			if (!first)
				buf_adds(b, ")");
		}
		buf_adds(b, "</p>");
	}
	buf_adds(b, "</section>");
}

int view_html(FILE *out, struct model *m)
{
	struct buf b;
	const char *title = model_title(m) ? model_title(m) : "A trace lvdemo wrote";

	buf_init(&b);
	buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		     "<meta name=\"generator\" content=\"lvtrace\"><title>");
	buf_add_html(&b, title);
	buf_addf(&b, " \u2014 lvtrace report</title><style>%s</style></head><body><header><h1>", style);
	buf_add_html(&b, title);
	buf_adds(&b, "</h1>");
	if (model_description(m)) {
		buf_adds(&b, "<p class=\"desc\">");
		buf_add_html(&b, model_description(m));
		buf_adds(&b, "</p>");
	}
	buf_adds(&b, "<p class=\"meta\">");
	if (model_scenario(m)) {
		buf_adds(&b, "scenario: ");
		buf_add_html(&b, model_scenario(m));
	} else if (model_is_merged(m)) {
		buf_adds(&b, "traces side by side: step k is the k-th page load of each, with its socket's join");
	} else {
		buf_add_html(&b, model_origin(m));
		buf_adds(&b, ": the steps are its page loads and socket joins");
	}
	buf_adds(&b, " \u00b7 side by side:");
	for (size_t c = 0; c < model_column_count(m); c++) {
		buf_adds(&b, c ? ", " : " ");
		buf_add_html(&b, column_name(m, c));
	}
	buf_adds(&b, "</p></header>");

	/* the chart counts what the plain view's last total counts: from the last mark */
	struct model_pos end = {0, 0};
	model_end(m);
	end = model_cursor(m);
	const struct model_step *from = model_step(m, model_count_from(m, end));
	buf_adds(&b, "<section id=\"chart\"><h2>Database hits by phase");
	if (from && from->mark) {
		buf_adds(&b, " since mark \u201c");
		buf_add_html(&b, from->mark);
		buf_adds(&b, "\u201d");
	}
	buf_adds(&b, "</h2>");
	chart(&b, m, end);
	totals(&b, m, end);
	buf_adds(&b, "</section><section id=\"timeline\"><h2>Step by step</h2>");
	uint32_t shown = model_shown_steps(m);
	for (uint32_t s = 0; s < model_step_count(m); s++)
		if (model_step_shown(m, s))
			step_section(&b, m, s, shown);
	buf_adds(&b, "</section><footer class=\"meta\"><p>written by lvtrace report --html</p></footer>"
		     "</body></html>\n");
	model_home(m);

	int rc = 0;
	if (b.failed) {
		errno = ENOMEM;
		rc = -1;
	} else if (fwrite(b.data, 1, b.len, out) != b.len) {
		rc = -1;
	}
	buf_release(&b);
	return rc;
}
