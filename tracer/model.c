/*
 * model.c: loading a trace into the model: the text (mapped or read), one
 * event per line checked by the trace library's scanner, each event
 * classified (its variant, step, phase group, tree depth, whether it is a
 * database hit or an avoided one), the steps with their notes, marks and
 * counts, and the columns. Rows are model_rows.c's, the cursor
 * model_cursor.c's.
 */
#include "model_impl.h"
#include "model_json.h"
#include "variant.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------ strings */

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static char *arena_copy(struct strtab *t, const char *s, size_t n)
{
	if (t->chunk_cap - t->chunk_used < n + 1) {
		size_t cap = n + 1 > 65536 ? n + 1 : 65536;
		char *c = malloc(cap);
		char **list = realloc(t->chunks, (t->nchunks + 1) * sizeof(*list));
		if (!c || !list) {
			free(c);
			if (list)
				t->chunks = list;
			return NULL;
		}
		t->chunks = list;
		t->chunks[t->nchunks++] = c;
		t->chunk = c;
		t->chunk_used = 0;
		t->chunk_cap = cap;
	}
	char *p = t->chunk + t->chunk_used;
	memcpy(p, s, n);
	p[n] = '\0';
	t->chunk_used += n + 1;
	return p;
}

static int strtab_grow(struct strtab *t)
{
	uint32_t nslot = t->nslot ? t->nslot * 2 : 256;
	uint32_t *slot = calloc(nslot, sizeof(*slot));
	if (!slot)
		return -1;
	for (uint32_t id = 1; id < t->n; id++) {
		uint32_t h = hash_bytes(t->str[id], strlen(t->str[id])) & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = id;
	}
	free(t->slot);
	t->slot = slot;
	t->nslot = nslot;
	return 0;
}

/* The id of S (N bytes), added when new; 0 when out of memory. */
static uint32_t strtab_id(struct strtab *t, const char *s, size_t n)
{
	if (t->n == 0) {
		t->str = calloc(64, sizeof(*t->str));
		if (!t->str)
			return 0;
		t->cap = 64;
		t->str[0] = (char *)"";
		t->n = 1;
	}
	if ((t->n + 1) * 2 > t->nslot && strtab_grow(t) < 0)
		return 0;
	uint32_t h = hash_bytes(s, n) & (t->nslot - 1);
	while (t->slot[h]) {
		const char *o = t->str[t->slot[h]];
		if (strncmp(o, s, n) == 0 && o[n] == '\0')
			return t->slot[h];
		h = (h + 1) & (t->nslot - 1);
	}
	if (t->n == t->cap) {
		char **grown = realloc(t->str, t->cap * 2 * sizeof(*grown));
		if (!grown)
			return 0;
		t->str = grown;
		t->cap *= 2;
	}
	char *copy = arena_copy(t, s, n);
	if (!copy)
		return 0;
	t->str[t->n] = copy;
	t->slot[h] = t->n;
	return t->n++;
}

static void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->nchunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->str);
	free(t->slot);
}

const char *model_string(const struct model *m, uint32_t id)
{
	return id && id < m->strs.n ? m->strs.str[id] : "";
}

const char *model_conn(const struct model *m, uint32_t id)
{
	return id && id < m->conn_names.n ? m->conn_names.str[id] : "";
}

/* ------------------------------------------------------------ the model */

struct model *model_new(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	m->in_fd = -1;
	m->end_step = MODEL_NONE;
	m->mj = mj_new();
	m->last_note = m->last_mark = MODEL_NONE;
	for (size_t i = 0; i < MODEL_MAX_VARIANTS; i++)
		m->cur_step[i] = 0;
	if (trace_scanner_init(&m->scan, "-") < 0) {
		free(m);
		return NULL;
	}
	model_columns_default(m, 0);
	return m;
}

static void step_release(struct model_step *st)
{
	free(st->verb);
	free(st->text);
	free(st->note);
	free(st->mark);
	for (size_t v = 0; v <= MODEL_SHARED; v++)
		free(st->ev[v]);
	free(st->rows);
}

void model_free(struct model *m)
{
	if (!m)
		return;
	free(m->text);
	if (m->in_fd >= 0)
		close(m->in_fd);
	pipe_free(m->pipe);
	trace_scanner_release(&m->scan);
	mj_free(m->mj);
	free(m->error);
	strtab_free(&m->strs);
	strtab_free(&m->conn_names);
	free(m->num_slot);
	free(m->ev);
	for (size_t i = 0; i < m->nvariants; i++)
		free(m->variants[i]);
	for (size_t s = 0; s < m->nsteps; s++)
		step_release(&m->steps[s]);
	free(m->steps);
	free(m->title);
	free(m->description);
	free(m->scenario_path);
	free(m->conns);
	free(m->search);
	free(m);
}

int model_open_file(struct model *m, const char *path, char *err, size_t errlen)
{
	int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	return model_open_fd(m, fd, path, err, errlen);
}

int model_open_fd(struct model *m, int fd, const char *path, char *err, size_t errlen)
{
	struct stat sb;

	trace_scanner_release(&m->scan);
	if (trace_scanner_init(&m->scan, path) < 0) {
		snprintf(err, errlen, "cannot read '%s': out of memory", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 || fstat(fd, &sb) < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (S_ISDIR(sb.st_mode)) {
		snprintf(err, errlen, "cannot read '%s': Is a directory", path);
		close(fd);
		return -1;
	}
	/*
	 * The text is read into memory the model owns, not mapped: a trace
	 * rewritten or cut while it is open (a scenario run again with the same
	 * -o, lvdemo restarted on its --trace) would change a mapping under the
	 * model, or end it with SIGBUS. A regular file's size is known: the
	 * buffer is made once, then filled in slices between frames.
	 */
	if (S_ISREG(sb.st_mode) && sb.st_size > 0) {
		size_t cap = (size_t)sb.st_size + mj_padding() + 1;
		if ((m->text = malloc(cap)))
			m->text_cap = cap;
	}
	m->total = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
	m->in_fd = fd;
	return 0;
}

const char *model_error(const struct model *m)
{
	return m->error;
}

int model_loaded(const struct model *m)
{
	return m->loaded;
}

int model_complete(const struct model *m)
{
	return m->complete;
}

void model_progress(const struct model *m, uint64_t *done, uint64_t *total)
{
	*done = m->pos;
	*total = m->total; /* 0: a pipe, of no known size */
}

uint64_t model_lines_ahead(const struct model *m)
{
	return m->lines_ahead;
}

const char *model_origin(const struct model *m)
{
	return m->origin[0] ? m->origin : "a trace";
}

const char *model_title(const struct model *m)
{
	return m->title;
}

const char *model_description(const struct model *m)
{
	return m->description;
}

const char *model_scenario(const struct model *m)
{
	return m->scenario_path;
}

int model_is_scenario(const struct model *m)
{
	return m->scenario;
}

int model_is_merged(const struct model *m)
{
	return m->merged;
}

size_t model_variant_count(const struct model *m)
{
	return m->nvariants;
}

const char *model_variant(const struct model *m, size_t i)
{
	return i < m->nvariants ? m->variants[i] : i == MODEL_SHARED ? MODEL_SHARED_NAME : "";
}

int model_variant_index(const struct model *m, const char *name)
{
	for (size_t i = 0; i < m->nvariants; i++)
		if (strcmp(m->variants[i], name) == 0)
			return (int)i;
	return -1;
}

size_t model_event_count(const struct model *m)
{
	return m->nev;
}

const struct model_event *model_event(const struct model *m, uint32_t i)
{
	return i < m->nev ? &m->ev[i] : NULL;
}

const char *model_event_line(const struct model *m, uint32_t i, size_t *len)
{
	*len = m->ev[i].len;
	return m->text + m->ev[i].off;
}

cJSON *model_event_json(const struct model *m, uint32_t i)
{
	return cJSON_ParseWithLength(m->text + m->ev[i].off, m->ev[i].len);
}

size_t model_step_count(const struct model *m)
{
	return m->nsteps;
}

/* After a note or mark that arrived late: every step's note and mark again, in one pass. */
static void resolve_notes(struct model *m)
{
	uint32_t note = MODEL_NONE, mark = MODEL_NONE;

	m->notes_dirty = 0;
	for (uint32_t s = 0; s < m->nsteps; s++) {
		if (m->steps[s].note)
			note = s;
		if (m->steps[s].mark)
			mark = s;
		m->steps[s].note_step = note;
		m->steps[s].mark_step = mark;
	}
	m->cum_upto = 0;
}

const struct model_step *model_step(struct model *m, uint32_t s)
{
	if (m->notes_dirty)
		resolve_notes(m);
	if (s >= m->nsteps)
		return NULL;
	if (!m->steps[s].aligned)
		model_align_step(m, s);
	return &m->steps[s];
}

int model_step_shown(const struct model *m, uint32_t s)
{
	return s < m->nsteps && m->steps[s].kind != MS_STARTUP && m->steps[s].kind != MS_END;
}

uint32_t model_shown_steps(const struct model *m)
{
	return m->shown;
}

/* ------------------------------------------------------------ steps */

/* A new step of KIND at the end; its index, or MODEL_NONE when out of memory. */
static uint32_t step_add(struct model *m, enum model_step_kind kind, const char *verb,
			 const char *text)
{
	if (m->nsteps == m->stepcap) {
		size_t cap = m->stepcap ? m->stepcap * 2 : 64;
		struct model_step *grown = realloc(m->steps, cap * sizeof(*grown));
		if (!grown)
			return MODEL_NONE;
		m->steps = grown;
		m->stepcap = cap;
	}
	struct model_step *st = &m->steps[m->nsteps];
	memset(st, 0, sizeof(*st));
	st->kind = (uint8_t)kind;
	st->verb = strdup(verb ? verb : "");
	st->text = strdup(text ? text : "");
	st->note_step = m->last_note;
	st->mark_step = m->last_mark;
	if (kind != MS_STARTUP && kind != MS_END)
		st->number = ++m->shown;
	if (!st->verb || !st->text) {
		step_release(st);
		return MODEL_NONE;
	}
	return (uint32_t)m->nsteps++;
}

static int step_add_event(struct model *m, uint32_t s, uint32_t v, uint32_t i)
{
	struct model_step *st = &m->steps[s];
	if (v > MODEL_SHARED)
		return 0;
	if (st->nev[v] == st->cap[v]) {
		uint32_t cap = st->cap[v] ? st->cap[v] * 2 : 16;
		uint32_t *grown = realloc(st->ev[v], cap * sizeof(*grown));
		if (!grown)
			return -1;
		st->ev[v] = grown;
		st->cap[v] = cap;
	}
	st->ev[v][st->nev[v]++] = i;
	return 0;
}

/* ------------------------------------------------------------ columns */

void model_invalidate_rows(struct model *m)
{
	for (size_t s = 0; s < m->nsteps; s++)
		m->steps[s].aligned = 0;
}

void model_columns_default(struct model *m, int all)
{
	/* the lesson's pair: the table's first two, assign and assign_new */
	int a = model_variant_index(m, variant_names[0]), an = model_variant_index(m, variant_names[1]);

	m->ncolumns = 0;
	m->columns_all = all;
	if (m->nvariants == 0) {
		m->columns[m->ncolumns++] = MODEL_SHARED;
	} else if (!all && a >= 0 && an >= 0) {
		m->columns[m->ncolumns++] = a;
		m->columns[m->ncolumns++] = an;
	} else {
		for (size_t i = 0; i < m->nvariants && m->ncolumns < (all ? MODEL_MAX_COLUMNS : 2); i++)
			m->columns[m->ncolumns++] = (int)i;
	}
	model_invalidate_rows(m);
}

int model_set_columns(struct model *m, const char *names, char *err, size_t errlen)
{
	int cols[MODEL_MAX_COLUMNS];
	size_t n = 0;
	const char *p = names;

	while (*p) {
		size_t len = strcspn(p, ",");
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)(len < 63 ? len : 63), p);
		int v = model_variant_index(m, name);
		if (v < 0) {
			char have[256] = "";
			for (size_t i = 0; i < m->nvariants; i++)
				snprintf(have + strlen(have), sizeof(have) - strlen(have), "%s%s",
					 i ? ", " : "", m->variants[i]);
			snprintf(err, errlen, "the trace has no variant '%s' (it has: %s)", name,
				 have[0] ? have : "none");
			return -1;
		}
		if (n == MODEL_MAX_COLUMNS) {
			snprintf(err, errlen, "at most %d variants side by side", MODEL_MAX_COLUMNS);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			if (cols[i] == v) {
				snprintf(err, errlen, "variant '%s' is named twice", name);
				return -1;
			}
		cols[n++] = v;
		p += len;
		if (*p == ',')
			p++;
	}
	if (n == 0) {
		snprintf(err, errlen, "no variant named");
		return -1;
	}
	memcpy(m->columns, cols, n * sizeof(cols[0]));
	m->ncolumns = n;
	m->columns_user = 1;
	m->columns_all = 0;
	model_invalidate_rows(m);
	return 0;
}

size_t model_column_count(const struct model *m)
{
	return m->ncolumns;
}

int model_column_variant(const struct model *m, size_t c)
{
	return c < m->ncolumns ? m->columns[c] : -1;
}

int model_columns_all(const struct model *m)
{
	return m->columns_all || m->ncolumns == m->nvariants;
}

static int variant_add(struct model *m, const char *name, size_t n)
{
	for (size_t i = 0; i < m->nvariants; i++)
		if (strncmp(m->variants[i], name, n) == 0 && m->variants[i][n] == '\0')
			return (int)i;
	if (m->nvariants == MODEL_MAX_VARIANTS)
		return MODEL_NO_VARIANT;
	char *copy = strndup(name, n);
	if (!copy)
		return -1;
	m->variants[m->nvariants++] = copy;
	if (!m->columns_user)
		model_columns_default(m, m->columns_all);
	return (int)m->nvariants - 1;
}

/* ------------------------------------------------------------ counters */

void model_update_counts(struct model *m, uint32_t upto)
{
	if (upto > m->nsteps)
		upto = (uint32_t)m->nsteps;
	for (size_t s = m->cum_upto; s < upto; s++) {
		struct model_step *st = &m->steps[s];
		/* a variant's column counts the shared events too; the shared column only those */
		for (size_t v = 0; v <= MODEL_SHARED; v++)
			for (int p = 0; p < TG_COUNT; p++)
				st->before[v][p] = s == 0 ? 0
							  : m->steps[s - 1].before[v][p] +
								    m->steps[s - 1].queries[MODEL_SHARED][p] +
								    (v < MODEL_SHARED ? m->steps[s - 1].queries[v][p] : 0);
	}
	if (upto > m->cum_upto)
		m->cum_upto = upto;
}

uint32_t model_count_from(struct model *m, struct model_pos pos)
{
	if (m->notes_dirty)
		resolve_notes(m);
	if (pos.step >= m->nsteps)
		return 0;
	uint32_t from = m->steps[pos.step].mark_step;
	if (from != MODEL_NONE)
		return from;
	for (uint32_t s = 0; s < m->nsteps; s++)
		if (model_step_shown(m, s))
			return s;
	return 0;
}

int model_counts_page_loads(struct model *m, struct model_pos pos)
{
	if (m->notes_dirty)
		resolve_notes(m);
	return m->page_loads && !m->scenario && pos.step < m->nsteps &&
	       m->steps[pos.step].mark_step == MODEL_NONE;
}

void model_set_page_loads(struct model *m, int on)
{
	m->page_loads = on;
}

uint32_t model_column_count_from(struct model *m, struct model_pos pos, size_t c)
{
	uint32_t from = model_count_from(m, pos);

	if (c >= m->ncolumns || !model_counts_page_loads(m, pos) || m->columns[c] == MODEL_SHARED)
		return from;
	int v = m->columns[c];
	for (uint32_t s = pos.step + 1; s-- > from;)
		if (m->steps[s].kind == MS_REQUEST && m->steps[s].nev[v] > 0)
			return s;
	return from;
}

uint64_t model_count(struct model *m, struct model_pos pos, size_t c, uint64_t out[TG_COUNT])
{
	uint64_t total = 0;

	for (int p = 0; p < TG_COUNT; p++)
		out[p] = 0;
	if (pos.step >= m->nsteps || c >= m->ncolumns)
		return 0;
	int v = m->columns[c];
	uint32_t from = model_column_count_from(m, pos, c);
	int own = model_counts_page_loads(m, pos) && v != MODEL_SHARED;
	model_update_counts(m, pos.step + 1);
	if (own) {
		/* a page load is its variant's request and joins: the requests that serve
		 * every variant since (another tab's log in) are not this page's */
		for (uint32_t s = from; s < pos.step; s++)
			for (int p = 0; p < TG_COUNT; p++)
				out[p] += m->steps[s].queries[v][p];
	} else if (from <= pos.step) {
		for (int p = 0; p < TG_COUNT; p++)
			out[p] = m->steps[pos.step].before[v][p] - m->steps[from].before[v][p];
	}
	uint32_t n = 0;
	const struct model_row *rows = model_rows(m, pos.step, &n);
	for (uint32_t r = 1; r <= pos.row && r < n; r++) {
		uint32_t e = rows[r].ev[c];
		if (e != MODEL_NONE && (m->ev[e].flags & ME_QUERY) &&
		    !(own && m->ev[e].variant == MODEL_NO_VARIANT))
			out[m->ev[e].mphase]++;
	}
	/* queries are rows, but a query that is not (none today) still counts at the step's end */
	for (int p = 0; p < TG_COUNT; p++)
		total += out[p];
	return total;
}

/* ------------------------------------------------------------ page loads */

static int is_asset(const char *path);

int model_page_loads(struct model *m, int v, struct model_page_load **out, size_t *n)
{
	uint8_t want = v == MODEL_SHARED ? MODEL_NO_VARIANT : (uint8_t)v;
	struct model_page_load *p = NULL, *cur = NULL;
	size_t np = 0, cap = 0, evcap = 0;

	*out = NULL;
	*n = 0;
	for (uint32_t i = 0; i < m->nev; i++) {
		const struct model_event *e = &m->ev[i];
		if (e->variant != want)
			continue;
		if (e->kind == TK_ENDPOINT_START) {
			/* its subject is "METHOD PATH", the path unprefixed */
			const char *page = model_string(m, e->subject);
			const char *path = strchr(page, ' ');
			if (!is_asset(path ? path + 1 : page)) {
				if (np == cap) {
					size_t ncap = cap ? cap * 2 : 8;
					struct model_page_load *g = realloc(p, ncap * sizeof(*g));
					if (!g)
						goto oom;
					p = g;
					cap = ncap;
				}
				cur = &p[np++];
				*cur = (struct model_page_load){.request = i, .page = page};
				evcap = 0;
			}
		}
		if (!cur)
			continue;
		if (cur->nev == evcap) {
			size_t ncap = evcap ? evcap * 2 : 64;
			uint32_t *g = realloc(cur->ev, ncap * sizeof(*g));
			if (!g)
				goto oom;
			cur->ev = g;
			evcap = ncap;
		}
		cur->ev[cur->nev++] = i;
	}
	*out = p;
	*n = np;
	return 0;
oom:
	model_page_loads_free(p, np);
	return -1;
}

void model_page_loads_free(struct model_page_load *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(p[i].ev);
	free(p);
}

/* ------------------------------------------------------------ loading */

/*
 * One parsed line, whichever parser read it: cJSON (the first line, and
 * where a line must be explained) or simdjson (model_json.h, the rest).
 * The members every line has are checked and taken out already.
 */
struct lview {
	const cJSON *j;
	const struct mj_line *ml;
	long long t_us;
	const char *event, *conn, *variant, *phase;
};

static const char *lv_str(const struct lview *l, enum mj_key key)
{
	if (l->ml)
		return l->ml->type[key] == MJ_STRING ? l->ml->str[key] : NULL;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l->j, mj_key_name(key));
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Member KEY (one of the numeric keys) as a number, or DFLT. */
static double lv_num(const struct lview *l, enum mj_key key, double dflt)
{
	if (l->ml)
		return l->ml->type[key] == MJ_NUMBER ? l->ml->num[key] : dflt;
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(l->j, mj_key_name(key));
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int lv_true(const struct lview *l, enum mj_key key)
{
	if (l->ml)
		return l->ml->type[key] == MJ_TRUE;
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l->j, mj_key_name(key)));
}

static struct conn_state *conn_of(struct model *m, uint32_t id)
{
	if (id >= m->nconns) {
		uint32_t n = m->nconns ? m->nconns : 64;
		while (n <= id)
			n *= 2;
		struct conn_state *grown = realloc(m->conns, n * sizeof(*grown));
		if (!grown)
			return NULL;
		for (uint32_t i = m->nconns; i < n; i++) {
			memset(&grown[i], 0, sizeof(grown[i]));
			grown[i].open_step = grown[i].last_step = MODEL_NONE;
		}
		m->conns = grown;
		m->nconns = n;
	}
	return &m->conns[id];
}


static enum model_group query_group(const char *phase)
{
	struct trace_phase p;
	trace_phase_parse(phase, &p);
	switch (p.kind) {
	case TP_PLUG:
	case TP_CONTROLLER:
		return MG_REQUEST;
	case TP_MOUNT:
	case TP_HANDLE_PARAMS:
	case TP_RENDER:
		return p.connected ? MG_JOIN : MG_DEAD;
	default:
		return MG_OTHER;
	}
}

static const char *unprefixed(const char *path, const char *variant)
{
	return trace_path_unprefixed(path, variant);
}

static int is_asset(const char *path)
{
	return trace_path_is_asset(path);
}

/* "a trace APP wrote" of the trace.start's app ("lvdemo 0.1.0", "lvtrace import"): its version left out. */
static void set_origin(struct model *m, const char *app)
{
	size_t n = app ? strlen(app) : 0;
	const char *last = app ? strrchr(app, ' ') : NULL;

	if (last && last[1] >= '0' && last[1] <= '9')
		n = (size_t)(last - app);
	if (n == 0 || n > 64)
		snprintf(m->origin, sizeof(m->origin), "a trace");
	else
		snprintf(m->origin, sizeof(m->origin), "a trace %.*s wrote", (int)n, app);
}

/* The header: the scenario, its title and variants, in that order. */
static int read_header(struct model *m, const struct lview *j)
{
	const char *sc = lv_str(j, MK_SCENARIO);
	const char *title = lv_str(j, MK_TITLE), *desc = lv_str(j, MK_DESCRIPTION);

	m->header_seen = 1;
	/* a trace of `lvtrace merge` has its steps made as a run's are */
	m->merged = j->j && cJSON_GetObjectItemCaseSensitive(j->j, "merged_from") != NULL;
	m->scenario = sc != NULL || m->merged;
	set_origin(m, lv_str(j, MK_APP));
	if ((sc && !(m->scenario_path = strdup(sc))) || (title && !(m->title = strdup(title))) ||
	    (desc && !(m->description = strdup(desc))))
		return -1;
	/* the first line is always cJSON's */
	const cJSON *vs = j->j ? cJSON_GetObjectItemCaseSensitive(j->j, "variants") : NULL;
	const cJSON *v;
	cJSON_ArrayForEach(v, vs)
		if (cJSON_IsString(v) && variant_add(m, v->valuestring, strlen(v->valuestring)) < 0)
			return -1;
	return 0;
}

/* The step numbered N (a hash of numbers to steps), or MODEL_NONE. */
static uint32_t step_by_number(const struct model *m, uint32_t n)
{
	if (!m->nslots)
		return MODEL_NONE;
	for (uint32_t h = (n * 2654435761u) & (m->nslots - 1);; h = (h + 1) & (m->nslots - 1)) {
		uint32_t s = m->num_slot[h];
		if (s == 0)
			return MODEL_NONE;
		if (m->steps[s - 1].number == n)
			return s - 1;
	}
}

static int step_number_add(struct model *m, uint32_t n, uint32_t s)
{
	if ((m->nnumbered + 1) * 2 > m->nslots) {
		uint32_t nslots = m->nslots ? m->nslots * 2 : 64;
		uint32_t *slot = calloc(nslots, sizeof(*slot));
		if (!slot)
			return -1;
		for (uint32_t i = 0; i < m->nslots; i++) {
			uint32_t k = m->num_slot[i];
			if (!k)
				continue;
			uint32_t h = (m->steps[k - 1].number * 2654435761u) & (nslots - 1);
			while (slot[h])
				h = (h + 1) & (nslots - 1);
			slot[h] = k;
		}
		free(m->num_slot);
		m->num_slot = slot;
		m->nslots = nslots;
	}
	uint32_t h = (n * 2654435761u) & (m->nslots - 1);
	while (m->num_slot[h])
		h = (h + 1) & (m->nslots - 1);
	m->num_slot[h] = s + 1;
	m->nnumbered++;
	return 0;
}

/* The step a scenario's event goes to. */
static uint32_t scenario_step_of(struct model *m, const struct model_event *e, const struct lview *j)
{
	uint32_t v = e->variant;

	if (e->kind == TK_SCENARIO_STEP) {
		double n = lv_num(j, MK_STEP, 0);
		if (n < 1 || n > 1e9)
			return m->latest;
		uint32_t want = (uint32_t)n;
		/* the step of that number, made when it is first named: never
		 * the steps a number skips (a line must not cost memory of its own) */
		uint32_t s = step_by_number(m, want);
		if (s == MODEL_NONE) {
			s = step_add(m, MS_SCENARIO, lv_str(j, MK_KIND), lv_str(j, MK_TEXT));
			if (s == MODEL_NONE || step_number_add(m, want, s) < 0)
				return MODEL_NONE;
			m->steps[s].number = want;
			double line = lv_num(j, MK_LINE, 0);
			m->steps[s].line = line > 0 && line < 1e7 ? (int)line : 0;
		}
		if (v != MODEL_NO_VARIANT)
			m->cur_step[v] = s;
		return s;
	}
	if (e->kind == TK_SCENARIO_END) {
		if (m->end_step == MODEL_NONE)
			m->end_step = step_add(m, MS_END, "end", "end of the run");
		if (v != MODEL_NO_VARIANT && m->end_step != MODEL_NONE)
			m->cur_step[v] = m->end_step;
		return m->end_step;
	}
	if (v != MODEL_NO_VARIANT)
		return m->cur_step[v];
	return m->latest;
}

/* The step a raw lvdemo trace's event goes to, opening steps at page loads and joins. */
static uint32_t raw_step_of(struct model *m, const struct model_event *e, const struct lview *j,
			    struct conn_state *cs)
{
	char label[512];

	if (e->kind == TK_ENDPOINT_START) {
		const char *method = lv_str(j, MK_METHOD), *path = lv_str(j, MK_PATH);
		if (!is_asset(path)) {
			snprintf(label, sizeof(label), "%s %s", method ? method : "?", path ? path : "?");
			uint32_t s = step_add(m, MS_REQUEST, method ? method : "?", label);
			if (cs)
				cs->open_step = s;
			return s;
		}
	}
	if (cs && cs->open_step != MODEL_NONE) {
		uint32_t s = cs->open_step;
		if (e->kind == TK_ENDPOINT_STOP || (e->kind == TK_CHANNEL_JOIN && cs->joining)) {
			cs->open_step = MODEL_NONE;
			cs->joining = 0;
		}
		return s;
	}
	/* a join opens at the socket's first message or a connected mount, and
	 * ends with its answer; a nested child's join is a step of its own */
	int join_start = cs && cs->ws &&
			 ((e->kind == TK_MOUNT_START && (e->flags & ME_CONNECTED)) ||
			  e->kind == TK_SOCKET_CONNECT);
	if (join_start || (cs && cs->ws && e->kind == TK_CHANNEL_JOIN)) {
		const char *view = lv_str(j, MK_VIEW);
		snprintf(label, sizeof(label), "join %s", view ? view : "(socket)");
		uint32_t s = step_add(m, MS_JOIN, "join", label);
		if (s != MODEL_NONE && e->kind != TK_CHANNEL_JOIN) {
			cs->open_step = s;
			cs->joining = 1;
		}
		return s;
	}
	/* a conn's other events (a click, a leave) stay with its last step */
	if (cs && cs->last_step != MODEL_NONE)
		return cs->last_step;
	return m->latest;
}

/* A raw join step is labelled by its view once the join names it. */
static void raw_join_label(struct model *m, uint32_t s, const struct lview *j)
{
	const char *view = lv_str(j, MK_VIEW);
	struct model_step *st = &m->steps[s];
	if (st->kind != MS_JOIN || !view || strcmp(st->text, "join (socket)") != 0)
		return;
	char *label = malloc(strlen(view) + 6);
	if (label) {
		sprintf(label, "join %s", view);
		free(st->text);
		st->text = label;
	}
}


static int is_live_view_kind(int k)
{
	return (k >= TK_MOUNT_START && k <= TK_RENDER_STOP) || k == TK_ASSIGN || k == TK_ASSIGN_NEW;
}

/* Classify one parsed line and add it. Returns 0, or -1 when out of memory. */
static int add_event(struct model *m, const struct lview *tev, size_t off, size_t len)
{
	const struct lview *j = tev;
	struct model_event e = {.off = off, .len = (uint32_t)len, .t_us = tev->t_us,
				.pair = MODEL_NONE, .variant = MODEL_NO_VARIANT};
	enum trace_kind k = trace_kind_of(tev->event, strlen(tev->event));

	if (m->nev == 0 && !m->header_seen && read_header(m, j) < 0)
		return -1;
	if (m->nev >= 0xfffffff0u)
		return -1;
	e.kind = (uint16_t)k;
	if (tev->variant) {
		int v = variant_add(m, tev->variant, strlen(tev->variant));
		if (v < 0)
			return -1;
		e.variant = (uint8_t)v;
	}
	e.conn = strtab_id(&m->conn_names, tev->conn, strlen(tev->conn));
	if (tev->phase)
		e.phase = strtab_id(&m->strs, tev->phase, strlen(tev->phase));
	if (!e.conn || (tev->phase && !e.phase))
		return -1;
	if (is_live_view_kind(k)) {
		if (lv_true(j, MK_CONNECTED))
			e.flags |= ME_CONNECTED;
		if (lv_true(j, MK_CHILD))
			e.flags |= ME_CHILD;
	}

	/* what the row is about, so that rows of the same thing line up */
	const char *subject = NULL;
	char buf[512];
	switch (k) {
	case TK_ENDPOINT_START:
		/* a merged trace's column may be named otherwise than its variant */
		snprintf(buf, sizeof(buf), "%s %s", lv_str(j, MK_METHOD) ? lv_str(j, MK_METHOD) : "",
			 unprefixed(lv_str(j, MK_PATH),
				    lv_str(j, MK_SRC_VARIANT) ? lv_str(j, MK_SRC_VARIANT) : tev->variant));
		subject = buf;
		break;
	case TK_PLUG_START:
		subject = lv_str(j, MK_PLUG);
		break;
	case TK_CONTROLLER_START:
	case TK_ON_MOUNT_START:
		subject = tev->phase;
		break;
	case TK_MOUNT_START:
	case TK_HANDLE_PARAMS_START:
	case TK_HANDLE_EVENT_START:
	case TK_RENDER_START:
	case TK_CHANNEL_JOIN:
	case TK_CHANNEL_LEAVE:
		subject = lv_str(j, MK_VIEW);
		break;
	case TK_ASSIGN:
	case TK_ASSIGN_NEW:
	case TK_CONN_ASSIGN:
		subject = lv_str(j, MK_KEY);
		break;
	case TK_REPO_QUERY:
		subject = lv_str(j, MK_SOURCE);
		break;
	case TK_SCENARIO_EXPECT:
	case TK_SCENARIO_ERROR: {
		double line = lv_num(j, MK_LINE, 0);
		snprintf(buf, sizeof(buf), "line %d", line > 0 && line < 1e7 ? (int)line : 0);
		subject = buf;
		break;
	}
	case TK_OTHER:
		subject = tev->event;
		break;
	case TK_SPAN:
		subject = lv_str(j, MK_NAME);
		break;
	default:
		break;
	}
	if (subject && !(e.subject = strtab_id(&m->strs, subject, strlen(subject))))
		return -1;

	/* flags, phase group and the counter it goes to */
	switch (k) {
	case TK_REPO_QUERY:
		e.flags |= ME_QUERY;
		e.mphase = (uint8_t)trace_phase_group(tev->phase);
		e.group = (uint8_t)query_group(tev->phase);
		break;
	case TK_ASSIGN_NEW:
		e.from = (uint8_t)trace_from_of(lv_str(j, MK_FROM));
		if (e.from == TF_CONN_ASSIGNS || e.from == TF_PARENT_ASSIGNS || e.from == TF_SOCKET_ASSIGNS)
			e.flags |= ME_AVOIDED;
		/* fall through */
	case TK_ASSIGN:
	case TK_MOUNT_START:
	case TK_MOUNT_STOP:
	case TK_ON_MOUNT_START:
	case TK_ON_MOUNT_STOP:
	case TK_HANDLE_PARAMS_START:
	case TK_HANDLE_PARAMS_STOP:
	case TK_RENDER_START:
	case TK_RENDER_STOP:
		e.group = (uint8_t)((e.flags & ME_CONNECTED) ? MG_JOIN : MG_DEAD);
		break;
	case TK_ENDPOINT_START:
	case TK_ENDPOINT_STOP:
	case TK_PLUG_START:
	case TK_PLUG_STOP:
	case TK_CONTROLLER_START:
	case TK_CONTROLLER_STOP:
	case TK_SESSION_FETCH:
	case TK_CONN_ASSIGN:
	case TK_REDIRECT:
		e.group = MG_REQUEST;
		break;
	case TK_SOCKET_CONNECT:
		e.group = MG_SOCKET;
		break;
	case TK_CHANNEL_JOIN:
		e.group = MG_JOIN;
		break;
	case TK_SCENARIO_EXPECT: {
		const char *outcome = lv_str(j, MK_OUTCOME);
		if (outcome && strcmp(outcome, "failed") == 0)
			e.flags |= ME_FAILED;
		else if (outcome && strcmp(outcome, "passed") == 0)
			e.flags |= ME_PASSED;
		e.group = MG_OTHER;
		break;
	}
	case TK_SCENARIO_ERROR:
		e.flags |= ME_FAILED;
		e.group = MG_OTHER;
		break;
	default:
		e.group = MG_OTHER;
	}
	switch (k) {
	case TK_TRACE_START:
	case TK_SCENARIO_STEP:
	case TK_SCENARIO_NOTE:
	case TK_SCENARIO_MARK:
	case TK_SCENARIO_END:
		break;
	default:
		if (!trace_kind_is_stop(k))
			e.flags |= ME_ROW;
	}
	/* the page's assets are no part of the lesson */
	if (k == TK_ENDPOINT_START && is_asset(lv_str(j, MK_PATH)))
		e.flags &= (uint8_t)~ME_ROW;

	/* its step */
	struct conn_state *cs = conn_of(m, e.conn);
	if (!cs)
		return -1;
	if (strncmp(tev->conn, "ws:", 3) == 0 || strstr(tev->conn, "/ws:"))
		cs->ws = 1;
	/* an event without a phase (assign, assign_new) is in its conn's innermost
	 * span; what happens inside a nested child's span is the child's */
	if (cs->depth > 0 && cs->stack[cs->depth - 1] < m->nev && !trace_kind_is_stop(k)) {
		const struct model_event *in = &m->ev[cs->stack[cs->depth - 1]];
		if (!e.phase)
			e.phase = in->phase;
		e.flags |= in->flags & ME_CHILD;
	}
	if (m->nsteps == 0 && step_add(m, MS_STARTUP, "start-up", "start-up") == MODEL_NONE)
		return -1;
	uint32_t s = m->scenario ? scenario_step_of(m, &e, j) : raw_step_of(m, &e, j, cs);
	if (s == MODEL_NONE)
		return -1;
	if (!m->scenario && e.kind == TK_CHANNEL_JOIN)
		raw_join_label(m, s, j);
	e.step = s;
	m->latest = s;
	cs->last_step = s;
	struct model_step *st = &m->steps[s];
	if (k == TK_SCENARIO_NOTE && !st->note) {
		const char *text = lv_str(j, MK_TEXT);
		if (text && !(st->note = strdup(text)))
			return -1;
		m->last_note = s;
		st->note_step = s;
		if (s + 1 < m->nsteps)
			m->notes_dirty = 1; /* steps made after it: see it too */
	} else if (k == TK_SCENARIO_MARK && !st->mark) {
		const char *label = lv_str(j, MK_LABEL);
		if (label && !(st->mark = strdup(label)))
			return -1;
		m->last_mark = s;
		st->mark_step = s;
		if (s + 1 < m->nsteps)
			m->notes_dirty = 1;
	}

	/* its place in the tree, and the pairing of spans */
	uint8_t base = cs->ws ? 1 : 0;
	if (trace_kind_is_stop(k)) {
		/* a stop closes the innermost open start of its kind; levels past
		 * the stack's depth were counted, not kept */
		if (cs->overflow > 0) {
			cs->overflow--;
		} else if (cs->depth > 0 && cs->stack[cs->depth - 1] < m->nev &&
			   m->ev[cs->stack[cs->depth - 1]].kind == trace_kind_start_of(k)) {
			uint32_t start = cs->stack[--cs->depth];
			m->ev[start].pair = (uint32_t)m->nev;
		}
		e.depth = (uint8_t)(base + cs->depth);
	} else if (k == TK_ENDPOINT_START || k == TK_PLUG_START || k == TK_CONTROLLER_START ||
		   k == TK_MOUNT_START || k == TK_ON_MOUNT_START || k == TK_HANDLE_PARAMS_START ||
		   k == TK_HANDLE_EVENT_START || k == TK_RENDER_START) {
		e.depth = (uint8_t)(base + cs->depth);
		if (cs->depth < MODEL_SPAN_DEPTH)
			cs->stack[cs->depth++] = (uint32_t)m->nev;
		else if (cs->overflow < 0xffff)
			cs->overflow++;
	} else if (k == TK_CHANNEL_JOIN || k == TK_CHANNEL_LEAVE || k == TK_SOCKET_CONNECT ||
		   k == TK_SOCKET_DISCONNECT || k == TK_SOCKET_ERROR) {
		e.depth = 0;
	} else {
		e.depth = (uint8_t)(base + cs->depth);
	}

	if (m->nev == m->evcap) {
		size_t cap = m->evcap ? m->evcap * 2 : 4096;
		struct model_event *grown = realloc(m->ev, cap * sizeof(*grown));
		if (!grown)
			return -1;
		m->ev = grown;
		m->evcap = cap;
	}
	m->ev[m->nev] = e;
	/* a raw trace's events of no variant (the registration, the log-in
	 * page) belong to every column; a merged trace's are its own header */
	uint32_t slot = e.variant != MODEL_NO_VARIANT ? e.variant
			: !m->scenario && s != 0 ? MODEL_SHARED : MODEL_NONE;
	if (slot != MODEL_NONE) {
		if (step_add_event(m, s, slot, (uint32_t)m->nev) < 0)
			return -1;
		if (e.flags & ME_QUERY)
			st->queries[slot][e.mphase]++;
		if (e.flags & ME_FAILED)
			st->failed[slot]++;
	}
	if (k == TK_TRACE_STOP || k == TK_TRACE_ABORT)
		m->complete = 1;
	st->aligned = 0;
	if (s < m->cum_upto)
		m->cum_upto = s; /* a late event of an earlier step: recount from there */
	m->nev++;
	return 0;
}

static int keep_error(struct model *m, const char *err)
{
	free(m->error);
	m->error = strdup(err);
	m->loaded = 1;
	return -1;
}

/* The slow, explaining path: cJSON through the trace library's scanner. */
static int load_line_cjson(struct model *m, size_t off, size_t len, char *err, size_t errlen)
{
	struct trace_event tev;
	int rc = trace_scanner_line(&m->scan, m->text + off, len, &tev, err, errlen);

	if (rc == 0)
		return 0;
	if (rc < 0)
		return keep_error(m, err);
	struct lview l = {.j = tev.json, .t_us = tev.t_us, .event = tev.event, .conn = tev.conn,
			  .variant = tev.variant, .phase = tev.phase};
	rc = add_event(m, &l, off, len);
	trace_event_release(&tev);
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "%s:%ld:1: out of memory", m->scan.name, m->scan.lineno);
	return keep_error(m, err);
}

/* Add a line the fast parser read, its members in ML. 0, or -1 with the error kept. */
static int load_parsed(struct model *m, size_t off, size_t len, const struct mj_line *ml,
		       char *err, size_t errlen)
{
	/* the members every line has, checked as the trace library checks them */
	struct trace_members mb = {
		.has_seq = ml->type[MK_SEQ] != MJ_ABSENT,
		.has_t_us = ml->type[MK_T_US] != MJ_ABSENT,
		.has_event = ml->type[MK_EVENT] != MJ_ABSENT,
		.has_conn = ml->type[MK_CONN] != MJ_ABSENT,
		.seq_is_number = ml->type[MK_SEQ] == MJ_NUMBER,
		.t_us_is_number = ml->type[MK_T_US] == MJ_NUMBER,
		.seq = ml->type[MK_SEQ] == MJ_NUMBER ? ml->num[MK_SEQ] : 0,
		.t_us = ml->type[MK_T_US] == MJ_NUMBER ? ml->num[MK_T_US] : 0,
		.event = ml->type[MK_EVENT] == MJ_STRING ? ml->str[MK_EVENT] : NULL,
		.conn = ml->type[MK_CONN] == MJ_STRING ? ml->str[MK_CONN] : NULL,
	};
	if (trace_scanner_members(&m->scan, &mb, err, errlen) < 0)
		return keep_error(m, err);
	struct lview l = {.ml = ml, .t_us = (long long)mb.t_us, .event = mb.event, .conn = mb.conn,
			  .variant = ml->type[MK_VARIANT] == MJ_STRING ? ml->str[MK_VARIANT] : NULL,
			  .phase = ml->type[MK_PHASE] == MJ_STRING ? ml->str[MK_PHASE] : NULL};
	if (add_event(m, &l, off, len) == 0)
		return 0;
	snprintf(err, errlen, "%s:%ld:1: out of memory", m->scan.name, m->scan.lineno);
	return keep_error(m, err);
}

/* A line the fast parser refused: cJSON, only to say where (where it is laxer, column 1). */
static int explain_bad_line(struct model *m, const char *line, size_t len, char *err,
			    size_t errlen)
{
	struct trace_event tev;
	char why[160];
	long at = m->scan.lineno + 1;

	if (trace_event_parse(line, len, &tev, why, sizeof(why)) == 0) {
		trace_event_release(&tev);
		snprintf(why, sizeof(why), "1: not valid JSON");
	}
	snprintf(err, errlen, "%s:%ld:%s", m->scan.name, at, why);
	return keep_error(m, err);
}

/* Parse one line at OFF (its padding readable). 0, or -1 with the error kept. */
static int load_line(struct model *m, size_t off, size_t len, char *err, size_t errlen)
{
	const char *line = m->text + off;

	/* a CR before the newline is not part of the event */
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (!m->scan.started || len == 0 || !m->mj)
		return load_line_cjson(m, off, len, err, errlen);
	if (mj_parse(m->mj, line, len) < 0)
		return explain_bad_line(m, line, len, err, errlen);
	struct mj_line ml;
	mj_extract(m->mj, &ml);
	return load_parsed(m, off, len, &ml, err, errlen);
}

/* A line of a batch the worker parsed. */
static int load_ahead(struct model *m, const struct pline *pl, char *err, size_t errlen)
{
	if (pl->status == PL_SLOW || !m->scan.started)
		return load_line(m, pl->off, pl->len, err, errlen);
	return load_parsed(m, pl->off, pl->len, &pl->ml, err, errlen);
}

/*
 * A batch for the worker: about this many bytes of whole lines. A load of
 * less than two batches stays on one core (a thread is not worth it, and a
 * trace followed live grows by a few lines at a time).
 */
#define PIPE_BATCH (512u << 10)
/* a line longer than the limit is never in a batch: the one-line path says so */
_Static_assert(PIPE_BATCH < TRACE_LINE_MAX, "a batch is shorter than the longest line");

/* Hand the worker the batches after those out or being added, while there are whole ones. */
static void pipe_next(struct model *m)
{
	if (m->pipe_off || !m->mj || !m->scan.started)
		return;
	while (pipe_room(m->pipe)) {
		int running = m->ahead_i < m->ahead_n || pipe_out(m->pipe);
		size_t from = running ? m->ahead_end : m->pos;
		/* from a standstill a small batch, so that the loader waits little for it */
		size_t want = running ? PIPE_BATCH : PIPE_BATCH / 8;
		/* the worker's parser reads mj_padding() bytes past a line: the text's own */
		if (m->text_len < from + want + mj_padding())
			return;
		const char *nl = memrchr(m->text + from, '\n', want);
		if (!nl)
			return; /* a line longer than a batch: the one-line path says so */
		if (!m->pipe && !(m->pipe = pipe_new())) {
			m->pipe_off = 1;
			return;
		}
		m->ahead_end = (size_t)(nl - m->text) + 1;
		pipe_start(m->pipe, m->text, from, m->ahead_end);
	}
}

/*
 * A batch is out and the text after it is short of the next: read on
 * meanwhile. A regular file only: a read from a pipe may wait, and the
 * lines there are must not wait with it.
 */
static int pipe_wants_text(const struct model *m)
{
	return pipe_out(m->pipe) && m->in_fd >= 0 && !m->in_done && m->total > 0 &&
	       m->text_len < m->ahead_end + PIPE_BATCH + mj_padding();
}

/* Stop using the worker once the load is over (its thread and buffers go). */
static void pipe_end(struct model *m)
{
	pipe_free(m->pipe);
	m->pipe = NULL;
	m->ahead = NULL;
	m->ahead_i = m->ahead_n = 0;
}

#define READ_SLICE (4u << 20)

/* Read more of the input into the text. 1 read, 0 at its end, 2 nothing yet (non-blocking), -1 error. */
static int read_more(struct model *m, char *err, size_t errlen)
{
	if (m->in_fd < 0 || m->in_done)
		return 0;
	if (m->text_cap - m->text_len < 65536 + mj_padding()) {
		/* the file grew, or its size was not known: half as much again */
		size_t cap = m->text_cap ? m->text_cap + m->text_cap / 2 : 262144;
		pipe_quiesce(m->pipe); /* a batch out is read from the text */
		char *grown = realloc(m->text, cap);
		if (!grown) {
			snprintf(err, errlen, "%s: out of memory", m->scan.name);
			return -1;
		}
		m->text = grown;
		m->text_cap = cap;
	}
	/* the padding after the text stays free for the fast parser */
	/* a slice at a time, so that a frame can be drawn between slices */
	size_t room = m->text_cap - m->text_len - mj_padding();
	ssize_t n = read(m->in_fd, m->text + m->text_len, room < READ_SLICE ? room : READ_SLICE);
	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
			m->waiting = 1; /* nothing now: the caller comes back later */
			return 2;
		}
		snprintf(err, errlen, "%s: read error: %s", m->scan.name, strerror(errno));
		return -1;
	}
	if (n == 0) {
		m->in_done = 1;
		close(m->in_fd);
		m->in_fd = -1;
		return 0;
	}
	m->text_len += (size_t)n;
	/* what the fast parser reads past the end is defined (its content does not matter) */
	memset(m->text + m->text_len, 0, mj_padding());
	return 1;
}

/* Parse the whole lines there are (at most MAX, 0 no limit); FINISH: the last line too. */
static int parse_lines(struct model *m, size_t max, int finish, size_t *done, char *err,
		       size_t errlen)
{
	while (!max || *done < max) {
		if (pipe_wants_text(m))
			return 0; /* the caller reads, then comes back */
		/* lines the worker parsed first, the next batch out while they are added */
		if (m->ahead_i < m->ahead_n) {
			const struct pline *pl = &m->ahead[m->ahead_i++];
			m->pos = pl->next;
			if (load_ahead(m, pl, err, errlen) < 0)
				return -1;
			(*done)++;
			continue;
		}
		if (pipe_out(m->pipe)) {
			if (pipe_wait(m->pipe, &m->ahead, &m->ahead_n) < 0) {
				snprintf(err, errlen, "%s:%ld:1: out of memory", m->scan.name,
					 m->scan.lineno + 1);
				return keep_error(m, err);
			}
			m->ahead_i = 0;
			m->lines_ahead += m->ahead_n;
			pipe_next(m);
			continue;
		}
		pipe_next(m);
		if (pipe_out(m->pipe))
			continue;
		if (m->pos >= m->text_len)
			break;
		const char *start = m->text + m->pos;
		const char *nl = memchr(start, '\n', m->text_len - m->pos);
		size_t len;
		if (nl && (size_t)(nl - start) > TRACE_LINE_MAX) {
			snprintf(err, errlen, "%s:%ld:1: line longer than %d bytes", m->scan.name,
				 m->scan.lineno + 1, TRACE_LINE_MAX);
			return keep_error(m, err);
		}
		if (nl) {
			len = (size_t)(nl - start);
		} else if (finish) {
			len = m->text_len - m->pos;
			if (len > TRACE_LINE_MAX) {
				snprintf(err, errlen, "%s:%ld:1: line longer than %d bytes", m->scan.name,
					 m->scan.lineno + 1, TRACE_LINE_MAX);
				return keep_error(m, err);
			}
		} else {
			if (m->text_len - m->pos > TRACE_LINE_MAX) {
				snprintf(err, errlen, "%s:%ld:1: line longer than %d bytes", m->scan.name,
					 m->scan.lineno + 1, TRACE_LINE_MAX);
				return keep_error(m, err);
			}
			break;
		}
		size_t off = m->pos;
		m->pos += len + (nl ? 1 : 0);
		if (load_line(m, off, len, err, errlen) < 0)
			return -1;
		(*done)++;
	}
	return 0;
}

static int finish_load(struct model *m, char *err, size_t errlen)
{
	m->loaded = 1;
	pipe_end(m);
	if (!m->header_seen) {
		snprintf(err, errlen, "%s:1:1: empty trace (no trace.start line)", m->scan.name);
		free(m->error);
		m->error = strdup(err);
		return -1;
	}
	return 0;
}

int model_load(struct model *m, size_t max_lines, char *err, size_t errlen)
{
	size_t done = 0;

	m->waiting = 0;
	if (m->loaded)
		return m->error ? -1 : 0;
	for (;;) {
		if (parse_lines(m, max_lines, m->in_done, &done, err, errlen) < 0)
			return -1;
		if (max_lines && done >= max_lines)
			return 1;
		if (m->in_done) {
			if (m->pos < m->text_len)
				continue; /* the last line, without its newline */
			return finish_load(m, err, errlen);
		}
		int rc = read_more(m, err, errlen);
		if (rc == 2)
			return 1;
		if (rc < 0)
			return keep_error(m, err);
	}
}

int model_fd(const struct model *m)
{
	return m->in_fd;
}

void model_set_nonblocking(struct model *m)
{
	if (m->in_fd >= 0)
		fcntl(m->in_fd, F_SETFL, fcntl(m->in_fd, F_GETFL) | O_NONBLOCK);
}

int model_waiting(const struct model *m)
{
	return m->waiting;
}

int model_feed(struct model *m, const char *data, size_t n, int finish, char *err, size_t errlen)
{
	size_t done = 0;

	if (m->text_len + n + mj_padding() > m->text_cap) {
		size_t cap = m->text_cap ? m->text_cap : 65536;
		while (cap < m->text_len + n + mj_padding())
			cap *= 2;
		pipe_quiesce(m->pipe);
		char *grown = realloc(m->text, cap);
		if (!grown) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		m->text = grown;
		m->text_cap = cap;
	}
	if (n)
		memcpy(m->text + m->text_len, data, n);
	m->text_len += n;
	memset(m->text + m->text_len, 0, mj_padding());
	if (parse_lines(m, 0, finish, &done, err, errlen) < 0)
		return -1;
	if (finish) {
		m->in_done = 1;
		return finish_load(m, err, errlen);
	}
	return 0;
}
