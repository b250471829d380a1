/*
 * views.c: templates for the landing page, the account forms and the
 * mission page, built into a buffer with every dynamic value escaped.
 */
#include "views.h"

#include <string.h>

#include "variant.h"

static const char style[] =
	"body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;"
	"background:#0e1116;color:#e6e6e6}"
	"a{color:#7cc4ff}header{display:flex;justify-content:space-between;align-items:center;"
	"border-bottom:1px solid #333;padding-bottom:.5rem;margin-bottom:1rem}"
	"header form{display:inline}"
	".flash{padding:.5rem 1rem;border-radius:4px;margin:1rem 0}"
	".info{background:#143d22}.error{background:#4a1717}"
	"label{display:block;margin-top:.75rem}input[type=email],input[type=password]{width:100%;"
	"padding:.4rem;background:#1b2029;color:#e6e6e6;border:1px solid #444}"
	"button{margin-top:1rem;padding:.4rem 1rem}"
	".errors{color:#ff8a8a;margin:.25rem 0;padding-left:1.2rem}"
	"code{background:#1b2029;padding:0 .2rem}"
	".lvpanel{margin-top:2rem;border:1px solid #3a4a5e;border-radius:6px;padding:.5rem 1rem;"
	"background:#141a23;font-size:1.05rem}"
	".lvpanel h2{font-size:1.1rem;margin:.25rem 0 .5rem}"
	".lvpanel table{border-collapse:collapse;width:100%}"
	".lvpanel th{text-align:left;font-weight:normal;padding:.15rem .5rem .15rem 0;white-space:nowrap}"
	".lvpanel td{padding:.15rem .5rem}.lvpanel td.n{text-align:right;font-weight:bold;"
	"font-variant-numeric:tabular-nums;width:3rem}"
	".lvpanel td.why{color:#9fb3c8}.lvpanel .total{border-top:1px solid #3a4a5e}"
	".lvpanel .variant{color:#ffd479}";

void view_layout(struct buf *out, const struct page *page, const char *content)
{
	buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		      "<meta name=\"csrf-token\" content=\"");
	buf_add_html(out, page->csrf_token);
	buf_adds(out, "\"><link rel=\"icon\" href=\"data:,\"><title>");
	buf_add_html(out, page->title);
	buf_adds(out, " · lvdemo</title><style>");
	buf_adds(out, style);
	buf_adds(out, "</style>");
	if (page->live)
		buf_adds(out, "<script type=\"module\" src=\"/assets/app.js\"></script>");
	buf_adds(out, "</head><body><header><a href=\"/\">lvdemo: top-secret mission</a><nav>");
	if (page->user_email) {
		buf_adds(out, "<span class=\"agent\">");
		buf_add_html(out, page->user_email);
		buf_adds(out, "</span> <form action=\"/users/log_out\" method=\"post\">"
			      "<input type=\"hidden\" name=\"_method\" value=\"delete\">"
			      "<input type=\"hidden\" name=\"_csrf_token\" value=\"");
		buf_add_html(out, page->csrf_token);
		buf_adds(out, "\"><button type=\"submit\">Log out</button></form>");
	} else {
		buf_adds(out, "<a href=\"/users/register\">Register</a> "
			      "<a href=\"/users/log_in\">Log in</a>");
	}
	buf_adds(out, "</nav></header>");
	if (page->flash_info) {
		buf_adds(out, "<p class=\"flash info\" role=\"alert\">");
		buf_add_html(out, page->flash_info);
		buf_adds(out, "</p>");
	}
	if (page->flash_error) {
		buf_adds(out, "<p class=\"flash error\" role=\"alert\">");
		buf_add_html(out, page->flash_error);
		buf_adds(out, "</p>");
	}
	buf_adds(out, "<main>");
	buf_adds(out, content);
	buf_adds(out, "</main></body></html>\n");
}

void view_home(struct buf *out, const struct page *page)
{
	struct buf c;

	buf_init(&c);
	buf_adds(&c, "<h1>The top-secret mission</h1>"
		     "<p>This app shows how many times a Phoenix LiveView page loads the current "
		     "user from the database. A LiveView page load is an HTTP request (the router's "
		     "plugs, then a disconnected &quot;dead&quot; mount) followed by a WebSocket join "
		     "(a connected mount). With <code>assign</code> in mount, the user is queried "
		     "three times; with <code>assign_new</code>, twice, because the dead mount reuses "
		     "what the <code>fetch_current_user</code> plug already put in "
		     "<code>conn.assigns</code>.</p>"
		     "<p>Every phase and every SQL statement is written to the trace.</p>");
	if (!page->user_email)
		buf_adds(&c, "<p><a href=\"/users/register\">Register</a> or "
			     "<a href=\"/users/log_in\">log in</a> to receive your mission.</p>");
	buf_adds(&c, "<h2>The variants</h2><ul>");
	for (size_t i = 0; i < variant_count; i++) {
		buf_adds(&c, "<li><a href=\"/");
		buf_add_html(&c, variants[i].name);
		buf_adds(&c, "/mission\"><code>");
		buf_add_html(&c, variants[i].name);
		buf_adds(&c, "</code></a>: ");
		buf_add_html(&c, variants[i].summary);
		buf_adds(&c, "</li>");
	}
	buf_adds(&c, "</ul>");
	view_layout(out, page, buf_str(&c));
	buf_release(&c);
}

static void field_errors(struct buf *c, const struct field_errors *f)
{
	if (!f || f->n == 0)
		return;
	buf_adds(c, "<ul class=\"errors\">");
	for (int i = 0; i < f->n; i++) {
		buf_adds(c, "<li>");
		buf_add_html(c, f->msg[i]);
		buf_adds(c, "</li>");
	}
	buf_adds(c, "</ul>");
}

static void account_form(struct buf *c, const struct page *page, const char *action,
			 const char *email, const struct registration_errors *errors,
			 int remember_me, const char *button)
{
	buf_adds(c, "<form action=\"");
	buf_adds(c, action);
	buf_adds(c, "\" method=\"post\"><input type=\"hidden\" name=\"_csrf_token\" value=\"");
	buf_add_html(c, page->csrf_token);
	buf_adds(c, "\"><label for=\"user_email\">Email</label>"
		    "<input type=\"email\" name=\"user[email]\" id=\"user_email\" value=\"");
	buf_add_html(c, email ? email : "");
	buf_adds(c, "\" required>");
	field_errors(c, errors ? &errors->email : NULL);
	buf_adds(c, "<label for=\"user_password\">Password</label>"
		    "<input type=\"password\" name=\"user[password]\" id=\"user_password\" required>");
	field_errors(c, errors ? &errors->password : NULL);
	if (remember_me)
		buf_adds(c, "<label><input type=\"checkbox\" name=\"user[remember_me]\" value=\"true\"> "
			    "Keep me logged in for 60 days</label>");
	buf_adds(c, "<button type=\"submit\">");
	buf_adds(c, button);
	buf_adds(c, "</button></form>");
}

void view_register(struct buf *out, const struct page *page, const char *email,
		   const struct registration_errors *errors)
{
	struct buf c;

	buf_init(&c);
	buf_adds(&c, "<h1>Register for an account</h1><p>Already registered? "
		     "<a href=\"/users/log_in\">Log in</a> to your account now.</p>");
	if (errors && !registration_valid(errors))
		buf_adds(&c, "<p class=\"flash error\">Oops, something went wrong! "
			     "Please check the errors below.</p>");
	account_form(&c, page, "/users/register", email, errors, 0, "Create an account");
	view_layout(out, page, buf_str(&c));
	buf_release(&c);
}

void view_log_in(struct buf *out, const struct page *page, const char *email, const char *error)
{
	struct buf c;

	buf_init(&c);
	buf_adds(&c, "<h1>Log in to account</h1><p>Don't have an account? "
		     "<a href=\"/users/register\">Sign up</a> for an account now.</p>");
	if (error) {
		buf_adds(&c, "<p class=\"flash error\" role=\"alert\">");
		buf_add_html(&c, error);
		buf_adds(&c, "</p>");
	}
	account_form(&c, page, "/users/log_in", email, NULL, 1, "Log in");
	view_layout(out, page, buf_str(&c));
	buf_release(&c);
}

void view_not_found(struct buf *out, const struct page *page, const char *path)
{
	struct buf c;

	buf_init(&c);
	buf_adds(&c, "<h1>Not found</h1><p>No route for <code>");
	buf_add_html(&c, path);
	buf_adds(&c, "</code>.</p><p><a href=\"/\">Back to headquarters</a></p>");
	view_layout(out, page, buf_str(&c));
	buf_release(&c);
}

/* ------------------------------------------------------------ the count panel */

/* What a mount phase did to load current_user, each part with its cost:
 * "assign_new ran its function (a query) · assign_new took current_user from
 * the socket's assigns (no query)". */
static void panel_why(struct buf *out, const struct live_panel_why *w)
{
	static const char *const from[TF_COUNT] = {
		[TF_NONE] = "assign_new took current_user from elsewhere (no query)",
		[TF_CONN_ASSIGNS] = "assign_new took current_user from conn.assigns (no query)",
		[TF_PARENT_ASSIGNS] = "assign_new took current_user from the parent's assigns (no query)",
		[TF_SOCKET_ASSIGNS] = "assign_new took current_user from the socket's assigns (no query)",
		[TF_FUNCTION] = "assign_new ran its function (a query)",
	};
	int any = 0;

	if (w->assign) {
		buf_adds(out, "assign loaded current_user (a query)");
		if (w->assign > 1)
			buf_addf(out, " &#215;%u", w->assign);
		any = 1;
	}
	/* the function first (a query comes from it), then where values came from, a hook's first */
	static const enum trace_from order[] = {TF_FUNCTION, TF_CONN_ASSIGNS, TF_PARENT_ASSIGNS,
						TF_SOCKET_ASSIGNS, TF_NONE};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum trace_from f = order[i];
		if (w->assign_new[f] == 0)
			continue;
		buf_adds(out, any ? " &#183; " : "");
		buf_adds(out, from[f]);
		if (w->assign_new[f] > 1)
			buf_addf(out, " &#215;%u", w->assign_new[f]);
		any = 1;
	}
}

/* One row: its name, its count (or a dash), what to say beside it. */
static void panel_row(struct buf *out, const char *id, const char *name, int shown, unsigned n,
		      const char *why_html)
{
	buf_adds(out, "<tr id=\"lvpanel-");
	buf_adds(out, id);
	buf_adds(out, "\"><th scope=\"row\">");
	buf_adds(out, name);
	buf_adds(out, "</th><td class=\"n\">");
	if (shown)
		buf_add_int(out, n);
	else
		buf_adds(out, "&#8212;");
	buf_adds(out, "</td><td class=\"why\">");
	buf_adds(out, why_html);
	buf_adds(out, "</td></tr>");
}

void view_live_panel(struct buf *out, const struct live_panel *p, const char *variant,
		     const char *path)
{
	static const char *const what[] = {
		[PANEL_PAGE_LOAD] = "this page load",
		[PANEL_RECONNECT] = "this reconnect",
		[PANEL_LIVE_NAVIGATION] = "this live navigation",
	};
	int http = p->kind == PANEL_PAGE_LOAD;
	unsigned total = (http ? p->plug + p->dead : 0) + (p->connected ? p->connected_q : 0);
	struct buf why;

	buf_adds(out, "<aside class=\"lvpanel\" id=\"lvpanel\" aria-label=\"database queries\">");
	buf_adds(out, "<h2>Database queries of ");
	buf_adds(out, what[p->kind]);
	buf_adds(out, ": <span id=\"lvpanel-total\">");
	buf_add_int(out, total);
	buf_adds(out, p->connected ? "</span></h2>" : "</span> so far</h2>");
	buf_adds(out, "<p>Variant <strong class=\"variant\" id=\"lvpanel-variant\">");
	buf_add_html(out, variant);
	buf_adds(out, "</strong>, counted from lvdemo's trace of it.</p><table>");
	const char *no_http = p->kind == PANEL_RECONNECT ? "no HTTP request: the socket joined again"
							 : "no HTTP request: a navigation over the socket";
	panel_row(out, "plug", "plug", http, p->plug, http ? "" : no_http);
	buf_init(&why);
	panel_why(&why, &p->why_dead);
	panel_row(out, "dead", "dead mount", http, p->dead, http ? buf_str(&why) : no_http);
	buf_reset(&why);
	if (p->connected)
		panel_why(&why, &p->why_connected);
	else
		buf_adds(&why, "not connected yet: the socket's join will add it");
	panel_row(out, "connected", "connected mount", p->connected, p->connected_q, buf_str(&why));
	buf_release(&why);
	buf_adds(out, "<tr class=\"total\"><th scope=\"row\">in all</th><td class=\"n\">");
	buf_add_int(out, total);
	buf_adds(out, "</td><td></td></tr></table><p>This page in the other variants: ");
	for (size_t i = 0; i < variant_count; i++) {
		if (strcmp(variants[i].name, variant) == 0)
			continue;
		buf_adds(out, "<a href=\"/");
		buf_add_html(out, variants[i].name);
		buf_add_html(out, path);
		buf_adds(out, "\">");
		buf_add_html(out, variants[i].name);
		buf_adds(out, "</a> ");
	}
	buf_adds(out, "</p></aside>");
}
