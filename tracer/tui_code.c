/*
 * tui_code.c: the code pane (c): for each column, the Elixir a student
 * would write for its variant: the router's fetch_current_user plug, the
 * on_mount hook where the variant has one, and mount with assign or
 * assign_new. The line the column's event of the selected row belongs to
 * is highlighted, so a query points at the line that ran it.
 */
#include "tui_impl.h"

#include <string.h>

#include "variant.h"
#include "view_text.h"

/* What a line of code does, for matching events to it. */
enum role {
	R_NONE,
	R_PLUG,		 /* the plug */
	R_PLUG_QUERY,	 /* its query */
	R_CONN_ASSIGN,	 /* its assign to conn.assigns */
	R_HOOK,		 /* the on_mount hook */
	R_HOOK_ASSIGN,	 /* its assign_new */
	R_HOOK_QUERY,	 /* the query of its function */
	R_MOUNT,	 /* mount/3 */
	R_ASSIGN,	 /* a naive assign in mount */
	R_ASSIGN_NEW,	 /* assign_new in mount */
	R_MOUNT_QUERY,	 /* the query mount runs */
};

struct line {
	enum role role;
	const char *text;
};

#define PLUG_LINES                                                          \
	{R_PLUG, "# router.ex: pipe_through :browser"},                     \
	{R_PLUG, "def fetch_current_user(conn, _opts) do"},                 \
	{R_PLUG_QUERY, "  user = token && Accounts.get_user_by_session_token(token)"}, \
	{R_CONN_ASSIGN, "  assign(conn, :current_user, user)"},             \
	{R_PLUG, "end"},                                                    \
	{R_NONE, ""}

#define HOOK_LINES                                                          \
	{R_HOOK, "# live_session :default, on_mount:"},                     \
	{R_HOOK, "#   {UserAuth, :mount_current_user}"},                    \
	{R_HOOK, "def on_mount(:mount_current_user, _p, session, socket) do"}, \
	{R_HOOK_ASSIGN, "  {:cont, assign_new(socket, :current_user, fn ->"}, \
	{R_HOOK_QUERY, "     Accounts.get_user_by_session_token("},         \
	{R_HOOK_QUERY, "       session[\"user_token\"])"},                  \
	{R_HOOK_ASSIGN, "   end)}"},                                        \
	{R_HOOK, "end"},                                                    \
	{R_NONE, ""}

#define MOUNT_ASSIGN_LINES                                                  \
	{R_MOUNT, "def mount(_params, session, socket) do"},                \
	{R_MOUNT_QUERY, "  user = Accounts.get_user_by_session_token("},    \
	{R_MOUNT_QUERY, "    session[\"user_token\"])"},                    \
	{R_ASSIGN, "  {:ok, assign(socket, :current_user, user)}"},         \
	{R_MOUNT, "end"}

#define MOUNT_ASSIGN_NEW_LINES                                              \
	{R_MOUNT, "def mount(_params, session, socket) do"},                \
	{R_ASSIGN_NEW, "  {:ok, assign_new(socket, :current_user, fn ->"},  \
	{R_MOUNT_QUERY, "     Accounts.get_user_by_session_token("},        \
	{R_MOUNT_QUERY, "       session[\"user_token\"])"},                 \
	{R_ASSIGN_NEW, "   end)}"},                                         \
	{R_MOUNT, "end"}

static const struct line code_assign[] = {PLUG_LINES, MOUNT_ASSIGN_LINES};
static const struct line code_assign_new[] = {PLUG_LINES, MOUNT_ASSIGN_NEW_LINES};
static const struct line code_on_mount[] = {PLUG_LINES, HOOK_LINES, MOUNT_ASSIGN_NEW_LINES};
static const struct line code_on_mount_assign[] = {PLUG_LINES, HOOK_LINES, MOUNT_ASSIGN_LINES};

#define PROGRAM(lines) {lines, sizeof(lines) / sizeof(lines[0])}

struct program {
	const struct line *lines;
	size_t n;
};

/* A variant's code follows from its two choices (common/variant.h): the hook or not, and mount's call. */
static const struct program programs[2][2] = {
	[0][MOUNT_ASSIGN] = PROGRAM(code_assign),
	[0][MOUNT_ASSIGN_NEW] = PROGRAM(code_assign_new),
	[1][MOUNT_ASSIGN] = PROGRAM(code_on_mount_assign),
	[1][MOUNT_ASSIGN_NEW] = PROGRAM(code_on_mount),
};

/* The code of the variant named VARIANT, or NULL for a name the table does not know. */
static const struct program *program_of(const char *variant)
{
	const struct variant *v = variant_find(variant, strlen(variant));
	return v ? &programs[v->on_mount_hook != 0][v->mount_user] : NULL;
}

/* The line an event belongs to. */
static enum role role_of(struct model *m, uint32_t ev)
{
	const struct model_event *e = model_event(m, ev);
	if (!e)
		return R_NONE;
	struct trace_phase ph;
	trace_phase_parse(model_string(m, e->phase), &ph);
	int in_hook = ph.hook[0] != 0;
	int in_plug = ph.kind == TP_PLUG && strcmp(ph.name, "fetch_current_user") == 0;
	switch (e->kind) {
	case TK_PLUG_START:
		return in_plug ? R_PLUG : R_NONE;
	case TK_CONN_ASSIGN:
		return R_CONN_ASSIGN;
	case TK_REPO_QUERY:
		if (in_plug)
			return R_PLUG_QUERY;
		if (in_hook)
			return R_HOOK_QUERY;
		return ph.kind == TP_MOUNT ? R_MOUNT_QUERY : R_NONE;
	case TK_ON_MOUNT_START:
		return R_HOOK;
	case TK_MOUNT_START:
		return R_MOUNT;
	case TK_ASSIGN:
		return R_ASSIGN;
	case TK_ASSIGN_NEW:
		return in_hook ? R_HOOK_ASSIGN : R_ASSIGN_NEW;
	default:
		return R_NONE;
	}
}

int tui_code_height(const struct tui *t)
{
	size_t most = 0;
	for (size_t c = 0; c < model_column_count(t->m); c++) {
		const struct program *p =
			program_of(model_variant(t->m, (size_t)model_column_variant(t->m, c)));
		if (p && p->n > most)
			most = p->n;
	}
	return (int)most + 1;
}

void tui_code_draw(struct tui *t)
{
	struct model *m = t->m;
	int h = t->code_h;
	int y = t->pane_y;
	struct model_pos sel = model_selection(m);
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, sel.step, &n);

	if (h < 2)
		return;
	attron(t->focus == TF_CODE ? A_BOLD : A_DIM);
	tui_hline(t, y, 0, t->w);
	tui_put(y, 2, " the code each variant stands for (c closes, Tab focuses, j/k scroll) ", t->w - 4);
	attroff(t->focus == TF_CODE ? A_BOLD : A_DIM);
	for (size_t c = 0; c < model_column_count(m); c++) {
		const char *variant = model_variant(m, (size_t)model_column_variant(m, c));
		const struct program *p = program_of(variant);
		uint32_t ev = sel.row < n ? rows[sel.row].ev[c] : MODEL_NONE;
		enum role want = ev != MODEL_NONE ? role_of(m, ev) : R_NONE;
		if (!p) {
			tui_put(y + 1, t->colx[c], "(no code known for this variant)", t->colw);
			continue;
		}
		for (int i = 0; i + 1 < h && (size_t)(t->code_scroll + i) < p->n; i++) {
			const struct line *l = &p->lines[t->code_scroll + i];
			int hot = want != R_NONE && l->role == want;
			if (hot)
				attron(tui_attr(t, ev != MODEL_NONE && (model_event(m, ev)->flags & ME_AVOIDED)
							    ? TP_AVOIDED
							    : TP_QUERY,
						A_REVERSE | A_BOLD));
			if (tui_put(y + 1 + i, t->colx[c], l->text, t->colw) == t->colw &&
			    view_width(l->text, strlen(l->text)) > t->colw)
				mvaddstr(y + 1 + i, t->colx[c] + t->colw - 1, t->utf8 ? "…" : ">");
			if (hot)
				attroff(tui_attr(t, ev != MODEL_NONE && (model_event(m, ev)->flags & ME_AVOIDED)
							     ? TP_AVOIDED
							     : TP_QUERY,
						 A_REVERSE | A_BOLD));
		}
	}
}

int tui_code_key(struct tui *t, int key)
{
	switch (key) {
	case 'j':
	case KEY_DOWN:
		t->code_scroll++;
		if (t->code_scroll > tui_code_height(t) - 2)
			t->code_scroll = tui_code_height(t) - 2;
		if (t->code_scroll < 0)
			t->code_scroll = 0;
		return TUI_HANDLED;
	case 'k':
	case KEY_UP:
		if (t->code_scroll > 0)
			t->code_scroll--;
		return TUI_HANDLED;
	default:
		return TUI_UNHANDLED;
	}
}
