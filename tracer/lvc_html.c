/*
 * lvc_html.c: what the client reads of a page, with libxml2's HTML parser
 * and XPath: the CSRF meta tag, the LiveView containers, the page's error
 * messages.
 */
#include "lvc_impl.h"

/*
 * Pages are read with libxml2's HTML parser (as a browser would: entities,
 * comments, scripts, broken markup) and searched with XPath. Each reader
 * parses the page it is given; none keeps a document.
 */
static htmlDocPtr html_read(const char *html)
{
	if (!html || !html[0])
		return NULL;
	return htmlReadMemory(html, (int)strlen(html), NULL, "UTF-8",
			      HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
				      HTML_PARSE_NOBLANKS);
}

/* The nodes EXPR finds in DOC (the caller frees the result), or NULL. */
static xmlXPathObjectPtr html_find(htmlDocPtr doc, const char *expr)
{
	xmlXPathContextPtr xp = doc ? xmlXPathNewContext(doc) : NULL;
	xmlXPathObjectPtr found = xp ? xmlXPathEvalExpression((const xmlChar *)expr, xp) : NULL;
	xmlXPathFreeContext(xp);
	return found;
}

/* Attribute NAME of NODE as a new string, NULL when it has none. */
static char *html_attr(xmlNodePtr node, const char *name)
{
	xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
	char *copy = v ? strdup((const char *)v) : NULL;
	xmlFree(v);
	return copy;
}

char *lvc_html_csrf_token(const char *html)
{
	htmlDocPtr doc = html_read(html);
	/* the first csrf-token meta tag that has a content */
	xmlXPathObjectPtr found = html_find(doc, "//meta[@name='csrf-token'][@content]");
	char *token = NULL;

	if (found && found->nodesetval && found->nodesetval->nodeNr > 0)
		token = html_attr(found->nodesetval->nodeTab[0], "content");
	xmlXPathFreeObject(found);
	xmlFreeDoc(doc);
	return token;
}

void lvc_containers_free(struct lvc_container *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].session);
		free(v[i].static_token);
		free(v[i].parent_id);
	}
	free(v);
}

int lvc_html_containers(const char *html, struct lvc_container **out, size_t *n)
{
	struct lvc_container *v = NULL;
	size_t count = 0;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (!html || !out || !n)
		return -1;
	htmlDocPtr doc = html_read(html);
	xmlXPathObjectPtr found = html_find(doc, "//*[@data-phx-session]");
	int total = found && found->nodesetval ? found->nodesetval->nodeNr : 0;
	if (total > 0 && !(v = calloc((size_t)total, sizeof(*v))))
		goto fail;
	for (int i = 0; i < total; i++) {
		xmlNodePtr node = found->nodesetval->nodeTab[i];
		struct lvc_container *k = &v[count++];
		char *main = html_attr(node, "data-phx-main");
		char *st = html_attr(node, "data-phx-static");
		*k = (struct lvc_container){
			.id = html_attr(node, "id"),
			.session = html_attr(node, "data-phx-session"),
			/* present without a value: no static token */
			.static_token = st && st[0] ? st : NULL,
			.parent_id = html_attr(node, "data-phx-parent-id"),
			.main = xmlHasProp(node, (const xmlChar *)"data-phx-main") != NULL,
		};
		if (!k->static_token)
			free(st);
		free(main);
		if (!k->session)
			goto fail;
	}
	xmlXPathFreeObject(found);
	xmlFreeDoc(doc);
	*out = v;
	*n = count;
	return 0;
fail:
	xmlXPathFreeObject(found);
	xmlFreeDoc(doc);
	lvc_containers_free(v, count);
	return -1;
}


/* ---------------------------------------------------------------- page errors */

/* Append TEXT (white space collapsed) to *OUT, after "; " when *OUT is not empty. */
static void errors_add(char **out, size_t *len, const char *label, const char *text)
{
	size_t need = *len + strlen(label) + strlen(text) + 8;
	char *grown = realloc(*out, need);
	if (!grown)
		return;
	*out = grown;
	if (*len)
		*len += (size_t)snprintf(*out + *len, need - *len, "; ");
	if (label[0])
		*len += (size_t)snprintf(*out + *len, need - *len, "%s: ", label);
	int space = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f') {
			space = *len > 0;
			continue;
		}
		if (space && (*out)[*len - 1] != ' ')
			(*out)[(*len)++] = ' ';
		space = 0;
		(*out)[(*len)++] = *p;
	}
	(*out)[*len] = '\0';
}

char *lvc_html_errors(const char *html)
{
	char *out = calloc(1, 1);
	size_t len = 0;

	if (!out || !html)
		return out;
	htmlDocPtr doc = html_read(html);
	/* flash errors (class "error"), then the items of each field's error list */
	xmlXPathObjectPtr hits = html_find(
		doc, "//*[contains(concat(' ', normalize-space(@class), ' '), ' error ')]"
		     " | //ul[contains(concat(' ', normalize-space(@class), ' '), ' errors ')]/li");
	for (int i = 0; hits && hits->nodesetval && i < hits->nodesetval->nodeNr; i++) {
		xmlNodePtr node = hits->nodesetval->nodeTab[i];
		xmlChar *text = xmlNodeGetContent(node);
		char label[64] = "";
		/* a field's list follows its input: name the field by the input's id */
		for (xmlNodePtr p = node->parent ? node->parent->prev : NULL;
		     node->parent && p && xmlStrcmp(node->name, (const xmlChar *)"li") == 0; p = p->prev) {
			if (p->type != XML_ELEMENT_NODE)
				continue;
			char *id = html_attr(p, "id");
			if (id) {
				const char *u = strrchr(id, '_');
				snprintf(label, sizeof(label), "%s", u ? u + 1 : id);
				free(id);
			}
			break;
		}
		if (text)
			errors_add(&out, &len, label, (const char *)text);
		xmlFree(text);
	}
	xmlXPathFreeObject(hits);
	xmlFreeDoc(doc);
	return out;
}

