/*
 * live_views.c: lvdemo's LiveViews as data: MissionLive, DossierLive,
 * HeadquartersLive with its nested CountdownLive, and ArchiveLive. Each has
 * its templates (statics) and callbacks; loading current_user is not
 * theirs but the variant's (live_view.c). None of them queries the database.
 */
#include "live_view.h"

#include <stdlib.h>
#include <string.h>

static const char *const clues[] = {
	"The package is under the third bench in the park.",
	"Trust the agent with the red umbrella.",
	"The password is the name of the first LiveView you wrote.",
	"Every query you avoid is a query you never have to explain.",
};
#define CLUE_COUNT ((int)ARRAY_LEN(clues))

static char *html_text(const char *s)
{
	struct buf b;
	buf_init(&b);
	buf_add_html(&b, s);
	if (!b.data)
		return xstrdup("");
	return b.data;
}

static char *int_text(int v)
{
	struct buf b;
	buf_init(&b);
	buf_add_int(&b, v);
	return b.data;
}

static const char *agent_email(const struct lv *lv)
{
	return lv->current_user ? lv->current_user->email : "";
}

/* A live navigation link (data-phx-link="redirect"): a new mount, no HTTP. */
static void nav_link(struct buf *b, const struct lv *lv, const char *path, const char *label)
{
	buf_adds(b, "<a href=\"/");
	buf_adds(b, lv->variant->name);
	buf_adds(b, path);
	buf_adds(b, "\" data-phx-link=\"redirect\" data-phx-link-state=\"push\">");
	buf_add_html(b, label);
	buf_adds(b, "</a> ");
}

/* ------------------------------------------------------------ MissionLive */

static void mission_init(struct lv *lv)
{
	lv->clue = 0;
}

static void mission_params(struct lv *lv, const struct form *params)
{
	const char *c = form_get(params, "clue");
	char *end = NULL;
	long v = c ? strtol(c, &end, 10) : 0;

	lv->clue = c && end != c && *end == '\0' && v >= 0 && v < CLUE_COUNT ? (int)v : 0;
}

static int mission_event(struct lv *lv, const char *event, const cJSON *value)
{
	(void)value;
	if (strcmp(event, "reveal") != 0)
		return -1;
	lv->clue = (lv->clue + 1) % CLUE_COUNT;
	return 0;
}

static const char *const mission_statics[] = {
	"<section class=\"mission\"><h1>Your mission</h1><p>Good morning, agent <strong>",
	"</strong>. Your mission, should you choose to accept it: count the queries.</p>"
	"<p class=\"clue\">Clue <span id=\"clue-number\">",
	"</span>: <em id=\"clue-text\">",
	"</em></p><button id=\"reveal\" phx-click=\"reveal\">Reveal the next clue</button>"
	"<nav class=\"clues\">",
	"</nav><nav class=\"pages\">",
	"</nav></section>",
};

static void mission_render(struct lv *lv, struct lv_rendered *r)
{
	struct buf b;

	r->statics = mission_statics;
	r->n = ARRAY_LEN(mission_statics) - 1;
	r->title = "Mission";
	r->dyn[0] = html_text(agent_email(lv));
	r->dyn[1] = int_text(lv->clue);
	r->dyn[2] = html_text(clues[lv->clue]);
	buf_init(&b);
	for (int i = 0; i < CLUE_COUNT; i++) {
		buf_adds(&b, "<a href=\"/");
		buf_adds(&b, lv->variant->name);
		buf_adds(&b, "/mission?clue=");
		buf_add_int(&b, i);
		buf_adds(&b, "\" data-phx-link=\"patch\" data-phx-link-state=\"push\" id=\"patch-");
		buf_add_int(&b, i);
		buf_adds(&b, "\">clue ");
		buf_add_int(&b, i);
		buf_adds(&b, "</a> ");
	}
	r->dyn[3] = b.data;
	buf_init(&b);
	nav_link(&b, lv, "/dossier", "Open your dossier");
	nav_link(&b, lv, "/hq", "Report to headquarters");
	nav_link(&b, lv, "/archive", "Search the archive");
	r->dyn[4] = b.data;
	/* the same page in the other variants: the count panel's (live_view.c) */
}

/* ------------------------------------------------------------ DossierLive */

static int toggle_event(struct lv *lv, const char *event, const cJSON *value)
{
	(void)value;
	if (strcmp(event, "decrypt") != 0)
		return -1;
	lv->flag = !lv->flag;
	return 0;
}

static const char *const dossier_statics[] = {
	"<section class=\"dossier\"><h1>Dossier</h1><p>Agent: <strong>",
	"</strong></p><p>In the service since ",
	".</p><p id=\"file\">",
	"</p><button id=\"decrypt\" phx-click=\"decrypt\">Decrypt</button><nav class=\"pages\">",
	"</nav></section>",
};

static void dossier_render(struct lv *lv, struct lv_rendered *r)
{
	struct buf b;

	r->statics = dossier_statics;
	r->n = ARRAY_LEN(dossier_statics) - 1;
	r->title = "Dossier";
	r->dyn[0] = html_text(agent_email(lv));
	r->dyn[1] = html_text(lv->current_user ? lv->current_user->inserted_at : "");
	r->dyn[2] = xstrdup(lv->flag ? "Known weakness: a LiveView that queries on every mount."
				     : "&#9608;&#9608;&#9608;&#9608;&#9608; &#9608;&#9608;&#9608;");
	buf_init(&b);
	nav_link(&b, lv, "/mission", "Back to the mission");
	nav_link(&b, lv, "/hq", "Report to headquarters");
	r->dyn[3] = b.data;
}

/* ------------------------------------------------------------ HeadquartersLive */

static const char *const hq_statics[] = {
	"<section class=\"hq\"><h1>Headquarters</h1><p>Welcome back, agent <strong>",
	"</strong>. A message is waiting for you:</p>",
	"<nav class=\"pages\">",
	"</nav></section>",
};

static void hq_render(struct lv *lv, struct lv_rendered *r)
{
	struct buf b;

	r->statics = hq_statics;
	r->n = ARRAY_LEN(hq_statics) - 1;
	r->title = "Headquarters";
	r->dyn[0] = html_text(agent_email(lv));
	r->dyn[1] = NULL; /* the child's container: filled by the engine */
	buf_init(&b);
	nav_link(&b, lv, "/mission", "Back to the mission");
	nav_link(&b, lv, "/dossier", "Open your dossier");
	r->dyn[2] = b.data;
}

/* ------------------------------------------------------------ CountdownLive */

static void countdown_init(struct lv *lv)
{
	lv->countdown = 5;
}

static int countdown_event(struct lv *lv, const char *event, const cJSON *value)
{
	(void)value;
	if (strcmp(event, "tick") != 0)
		return -1;
	if (lv->countdown > 0)
		lv->countdown--;
	return 0;
}

static const char *const countdown_statics[] = {
	"<p class=\"countdown\">",
	"</p><button id=\"tick\" phx-click=\"tick\">Tick</button>",
};

static void countdown_render(struct lv *lv, struct lv_rendered *r)
{
	struct buf b;

	r->statics = countdown_statics;
	r->n = 1;
	buf_init(&b);
	if (lv->countdown > 0) {
		buf_adds(&b, "For your eyes only, agent ");
		buf_add_html(&b, agent_email(lv));
		buf_addf(&b, ": this message will self-destruct in <span id=\"seconds\">%d</span> "
			     "seconds.",
			 lv->countdown);
	} else {
		buf_adds(&b, "This message has self-destructed. <span id=\"seconds\">0</span>");
	}
	r->dyn[0] = b.data;
}

/* ------------------------------------------------------------ ArchiveLive */

static const char *const archive_statics[] = {
	"<section class=\"archive\"><h1>The archive</h1><p>Agent <strong>",
	"</strong>, this room belongs to another live_session: coming here from the "
	"mission took a full page load.</p><p id=\"file\">",
	"</p><button id=\"decrypt\" phx-click=\"decrypt\">Open the file</button><nav class=\"pages\">",
	"</nav></section>",
};

static void archive_render(struct lv *lv, struct lv_rendered *r)
{
	struct buf b;

	r->statics = archive_statics;
	r->n = ARRAY_LEN(archive_statics) - 1;
	r->title = "Archive";
	r->dyn[0] = html_text(agent_email(lv));
	r->dyn[1] = xstrdup(lv->flag ? "Operation assign_new: two queries instead of three."
				     : "Classified.");
	buf_init(&b);
	nav_link(&b, lv, "/mission", "Back to the mission");
	r->dyn[2] = b.data;
}

/* ------------------------------------------------------------ the table */

const struct live_view_def live_views[] = {
	{.name = "MissionLive", .path = "/mission", .init = mission_init,
	 .handle_params = mission_params, .handle_event = mission_event, .render = mission_render},
	{.name = "DossierLive", .path = "/dossier", .handle_event = toggle_event,
	 .render = dossier_render},
	{.name = "HeadquartersLive", .path = "/hq", .child = "CountdownLive",
	 .child_id = "countdown", .child_slot = 1, .render = hq_render},
	{.name = "CountdownLive", .init = countdown_init, .handle_event = countdown_event,
	 .render = countdown_render},
	{.name = "ArchiveLive", .path = "/archive", .archive = 1, .handle_event = toggle_event,
	 .render = archive_render},
};
const size_t live_view_count = ARRAY_LEN(live_views);
