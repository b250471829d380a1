/*
 * tui.c: the tracer's curses session: set-up and tear-down (the terminal
 * is restored on every way out, a signal included: its handler only sets a
 * flag), the layout of each frame, the loop that loads the trace while it
 * draws, plays at a speed and dispatches keys, and the keys that move the
 * replay. Each pane draws itself (tui_*.c); every frame is erase() and a
 * full repaint from the model and this state.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include "tui_impl.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "view_text.h"

static volatile sig_atomic_t tui_signal;
static int curses_active;

static void on_signal(int sig)
{
	tui_signal = sig;
}

/*
 * A fatal signal (a crash) cannot wait for the loop: its handler puts the
 * terminal back with async-signal-safe calls only (write and tcsetattr,
 * with what was saved at the start), then lets the signal kill as it would.
 */
static struct termios saved_tios;
static int saved_tios_ok;
static char restore_seq[256];
static size_t restore_len;

static void on_fatal(int sig)
{
	if (restore_len)
		(void)!write(STDOUT_FILENO, restore_seq, restore_len);
	if (saved_tios_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Keep what on_fatal writes: the end of the alternate screen, the cursor, plain attributes. */
static void save_restore_sequence(void)
{
	static const char *const caps[] = {"sgr0", "cnorm", "rmcup"};
	restore_len = 0;
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *cap = tigetstr((char *)caps[i]);
		if (cap && cap != (char *)-1 && restore_len + strlen(cap) < sizeof(restore_seq)) {
			memcpy(restore_seq + restore_len, cap, strlen(cap));
			restore_len += strlen(cap);
		}
	}
}

static void restore_terminal(void)
{
	if (curses_active) {
		curses_active = 0;
		endwin();
	}
}

int tui_term_known(const char *term)
{
	int err = 0;
	TERMINAL *saved = cur_term;
	if (setupterm(term, STDOUT_FILENO, &err) != OK)
		return 0;
	del_curterm(cur_term);
	cur_term = saved;
	return 1;
}

/* ------------------------------------------------------------ helpers */

static long long now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* ------------------------------------------------------------ layout */

/* The width N columns need: a gutter, 22 columns each, separators; 60 at least. */
static int width_for(const struct tui *t, size_t n)
{
	int w = t->gutter + (int)n * 22 + (int)(n > 0 ? n - 1 : 0) * t->sep;
	return w < 60 ? 60 : w;
}

static void layout(struct tui *t)
{
	size_t nc = model_column_count(t->m);

	getmaxyx(stdscr, t->h, t->w);
	t->gutter = 2;
	t->sep = 3;
	t->need_w = width_for(t, nc);
	t->colw = nc ? (t->w - t->gutter - (int)(nc - 1) * t->sep) / (int)nc : t->w;
	for (size_t c = 0; c < nc; c++)
		t->colx[c] = t->gutter + (int)c * (t->colw + t->sep);
	t->head_y = 0;
	t->head_h = tui_header_height(t);
	t->count_h = tui_counters_height(t);
	t->status_y = t->h - 1;
	t->count_y = t->status_y - t->count_h;
	int avail = t->count_y - (t->head_y + t->head_h);
	/* the columns keep the column names and four rows; the panes get the rest */
	int spare = avail - 5;
	t->pane_h = t->code_h = 0;
	if ((t->detail || t->code) && spare >= 3) {
		int want = t->code ? tui_code_height(t) : 14;
		if (t->detail && t->code)
			want += 6;
		if (want > avail / 2)
			want = avail / 2 > 3 ? avail / 2 : 3;
		t->pane_h = want < spare ? want : spare;
		/* the code pane on top, the detail under it */
		if (t->code)
			t->code_h = !t->detail ? t->pane_h
				    : tui_code_height(t) > t->pane_h - 4 ? t->pane_h / 2 : tui_code_height(t);
	}
	t->rows_y = t->head_y + t->head_h;
	t->rows_h = avail - t->pane_h;
	t->pane_y = t->rows_y + t->rows_h;
	t->need_h = t->h - avail + 5;
	if (t->need_h < 16)
		t->need_h = 16;
	t->too_small = t->w < t->need_w || t->rows_h < 5 || t->h < 16;
}

static void draw_too_small(struct tui *t)
{
	char msg[128];
	int need_h = t->need_h > t->h ? t->need_h : 16;

	erase();
	snprintf(msg, sizeof(msg), "terminal too small (need %dx%d)", t->need_w > t->w ? t->need_w : t->w,
		 need_h);
	int y = t->h / 2 > 0 ? t->h / 2 - 1 : 0;
	int x = (t->w - (int)strlen(msg)) / 2;
	attron(A_BOLD);
	tui_put(y, x > 0 ? x : 0, msg, t->w);
	attroff(A_BOLD);
	snprintf(msg, sizeof(msg), "this one is %dx%d; q quits", t->w, t->h);
	x = (t->w - (int)strlen(msg)) / 2;
	if (y + 1 < t->h)
		tui_put(y + 1, x > 0 ? x : 0, msg, t->w);
}

static void draw(struct tui *t)
{
	layout(t);
	if (t->too_small) {
		draw_too_small(t);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	erase();
	tui_header_draw(t);
	tui_columns_draw(t);
	if (t->code)
		tui_code_draw(t);
	if (t->detail)
		tui_detail_draw(t);
	tui_counters_draw(t);
	tui_status_draw(t);
	if (t->help)
		tui_help_draw(t);
	wnoutrefresh(stdscr);
	doupdate();
}

/* ------------------------------------------------------------ keys */

static void note(struct tui *t, const char *msg)
{
	snprintf(t->message, sizeof(t->message), "%s", msg);
	t->message_until = 0;
}

/* A live view's news stays a while, keys or not: nobody watches for a blink. */
#define NEWS_US 6000000LL

static void play_toggle(struct tui *t)
{
	t->playing = !t->playing;
	t->next_tick_us = now_us() + (long long)(1e6 / (TUI_ROWS_PER_SECOND_1X * tui_speed(t)));
}

static int search_key(struct tui *t, int key)
{
	if (key == 27) { /* Esc */
		t->searching = 0;
		return TUI_HANDLED;
	}
	if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		t->searching = 0;
		t->search[t->search_len] = '\0';
		model_search_set(t->m, t->search);
		if (t->search_len && !model_search_next(t->m))
			note(t, "no match after the cursor (N searches back)");
		return TUI_HANDLED;
	}
	if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		/* one UTF-8 character */
		while (t->search_len > 0 && ((unsigned char)t->search[--t->search_len] & 0xC0) == 0x80)
			;
		t->search[t->search_len] = '\0';
		return TUI_HANDLED;
	}
	if (key >= 32 && key < 256 && t->search_len + 1 < sizeof(t->search)) {
		t->search[t->search_len++] = (char)key;
		t->search[t->search_len] = '\0';
	}
	return TUI_HANDLED;
}

static int global_key(struct tui *t, int key)
{
	struct model *m = t->m;
	int search = model_search_text(m) != NULL;

	switch (key) {
	case 'q':
		return TUI_QUIT;
	case '?':
		t->help = !t->help;
		return TUI_HANDLED;
	case ' ':
		play_toggle(t);
		return TUI_HANDLED;
	case '.':
	case 'l':
	case KEY_RIGHT:
		if (!model_forward(m))
			note(t, "the end of the trace");
		return TUI_HANDLED;
	case 'h':
	case KEY_LEFT:
		model_back(m);
		return TUI_HANDLED;
	case ']':
		if (!model_next_step(m))
			note(t, "this is the last step");
		return TUI_HANDLED;
	case '[':
		if (!model_prev_step(m))
			note(t, "this is the first step");
		return TUI_HANDLED;
	case '}':
		if (!model_next_mark(m))
			note(t, "no mark after this one");
		return TUI_HANDLED;
	case '{':
		if (!model_prev_mark(m))
			note(t, "no mark before this one");
		return TUI_HANDLED;
	case 'n':
		if (!(search ? model_search_next(m) : model_next_query(m)))
			note(t, search ? "no more matches" : "no more queries");
		return TUI_HANDLED;
	case 'N':
		if (!(search ? model_search_prev(m) : model_prev_query(m)))
			note(t, search ? "no match before" : "no query before");
		return TUI_HANDLED;
	case 'g':
	case KEY_HOME:
		model_home(m);
		return TUI_HANDLED;
	case 'G':
	case KEY_END:
		model_end(m);
		return TUI_HANDLED;
	case '+':
	case '=':
		if (t->speed + 1 < TUI_NSPEEDS)
			t->speed++;
		return TUI_HANDLED;
	case '-':
		if (t->speed > 0)
			t->speed--;
		return TUI_HANDLED;
	case '/':
		t->searching = 1;
		t->search_len = 0;
		t->search[0] = '\0';
		return TUI_HANDLED;
	case '\t':
	case KEY_BTAB: {
		/* columns, then the open panes */
		size_t nc = model_column_count(m), c = model_selected_column(m);
		int fwd = key == '\t';
		if (t->focus == TF_COLUMNS && fwd && c + 1 < nc) {
			model_select_column(m, c + 1);
		} else if (t->focus == TF_COLUMNS && !fwd && c > 0) {
			model_select_column(m, c - 1);
		} else if (fwd) {
			if (t->focus == TF_COLUMNS && t->detail)
				t->focus = TF_DETAIL;
			else if (t->focus != TF_CODE && t->code)
				t->focus = TF_CODE;
			else {
				t->focus = TF_COLUMNS;
				model_select_column(m, 0);
			}
		} else {
			if (t->focus == TF_CODE && t->detail)
				t->focus = TF_DETAIL;
			else if (t->focus != TF_COLUMNS)
				t->focus = TF_COLUMNS;
			else if (t->code)
				t->focus = TF_CODE;
			else if (t->detail)
				t->focus = TF_DETAIL;
			if (t->focus == TF_COLUMNS && !fwd)
				model_select_column(m, nc ? nc - 1 : 0);
		}
		return TUI_HANDLED;
	}
	case '\n':
	case '\r':
	case KEY_ENTER:
		/* the focus stays on the rows: the detail follows the selection */
		t->detail = !t->detail;
		t->detail_scroll = 0;
		if (!t->detail && t->focus == TF_DETAIL)
			t->focus = TF_COLUMNS;
		return TUI_HANDLED;
	case 'c':
		t->code = !t->code;
		t->code_scroll = 0;
		if (!t->code && t->focus == TF_CODE)
			t->focus = TF_COLUMNS;
		return TUI_HANDLED;
	case 'a': {
		size_t nv = model_variant_count(m);
		if (nv <= 2) {
			note(t, "this trace has no other variants");
			return TUI_HANDLED;
		}
		int all = !model_columns_all(m);
		size_t want = all ? (nv < MODEL_MAX_COLUMNS ? nv : MODEL_MAX_COLUMNS) : 2;
		if (all && width_for(t, want) > t->w) {
			char msg[160];
			snprintf(msg, sizeof(msg), "%zu columns need a terminal %d wide; this one is %d", want,
				 width_for(t, want), t->w);
			note(t, msg);
			return TUI_HANDLED;
		}
		model_columns_default(m, all);
		if (model_selected_column(m) >= model_column_count(m))
			model_select_column(m, 0);
		t->top_valid = 0;
		return TUI_HANDLED;
	}
	case 27: /* Esc: close what is open, then the search */
		if (t->detail || t->code) {
			t->detail = t->code = 0;
			t->focus = TF_COLUMNS;
		} else if (search) {
			model_search_set(m, NULL);
		}
		return TUI_HANDLED;
	case KEY_RESIZE:
		t->top_valid = 0;
		return TUI_HANDLED;
	case KEY_MOUSE: {
		MEVENT me;
		if (getmouse(&me) != OK)
			return TUI_HANDLED;
		if (me.bstate & BUTTON4_PRESSED)
			model_select_move(m, -3);
		else if (me.bstate & BUTTON5_PRESSED)
			model_select_move(m, 3);
		else if (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED))
			tui_columns_click(t, me.y, me.x);
		return TUI_HANDLED;
	}
	default:
		return TUI_UNHANDLED;
	}
}

static int handle_key(struct tui *t, int key)
{
	if (t->searching)
		return search_key(t, key);
	if (t->help && key != KEY_RESIZE && key != KEY_MOUSE) {
		t->help = 0; /* any key closes the help */
		return key == 'q' ? TUI_QUIT : TUI_HANDLED;
	}
	int rc = TUI_UNHANDLED;
	if (t->focus == TF_DETAIL)
		rc = tui_detail_key(t, key);
	else if (t->focus == TF_CODE)
		rc = tui_code_key(t, key);
	else
		rc = tui_columns_key(t, key);
	if (rc != TUI_UNHANDLED)
		return rc;
	return global_key(t, key);
}

/* Playing: one row per tick, pausing at marks and at the end. */
static void play_tick(struct tui *t)
{
	long long now = now_us();
	if (!t->playing || now < t->next_tick_us)
		return;
	t->next_tick_us = now + (long long)(1e6 / (TUI_ROWS_PER_SECOND_1X * tui_speed(t)));
	if (!model_forward(t->m)) {
		if (model_loaded(t->m)) {
			t->playing = 0;
			note(t, "the end of the trace: paused");
		}
		return;
	}
	if (model_at_mark(t->m, model_cursor(t->m))) {
		t->playing = 0;
		note(t, "a mark: paused (space plays on)");
	}
}

/* ------------------------------------------------------------ the session */

static SCREEN *screen;

static int setup_curses(struct tui *t, const char *term, FILE *out, FILE *in)
{
	saved_tios_ok = tcgetattr(fileno(in), &saved_tios) == 0;
	if (!(screen = newterm(term, out, in)))
		return -1;
	save_restore_sequence();
	curses_active = 1;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	t->color = has_colors() && !view_no_color();
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(TP_QUERY, COLOR_YELLOW, -1);
		init_pair(TP_AVOIDED, COLOR_GREEN, -1);
		init_pair(TP_PASSED, COLOR_GREEN, -1);
		init_pair(TP_FAILED, COLOR_RED, -1);
		init_pair(TP_NOTE, COLOR_CYAN, -1);
		init_pair(TP_HEADER, COLOR_BLACK, COLOR_CYAN);
		init_pair(TP_STEP, COLOR_BLUE, -1);
		init_pair(TP_DIGITS_0, COLOR_YELLOW, -1);
		init_pair(TP_DIGITS_1, COLOR_GREEN, -1);
		init_pair(TP_DIGITS_2, COLOR_MAGENTA, -1);
		init_pair(TP_DIGITS_3, COLOR_CYAN, -1);
		init_pair(TP_FEWER, COLOR_GREEN, -1);
		init_pair(TP_MORE, COLOR_RED, -1);
	}
	return 0;
}

int tui_first_load(struct model *m, char *err, size_t errlen)
{
	/* the first lines, so that the first frame has a step to show; the
	 * rest loads between frames */
	return model_load(m, 4000, err, errlen);
}

struct tui *tui_headless_open(struct model *m, const char *term, FILE *out, int w, int h)
{
	struct tui *t = calloc(1, sizeof(*t));
	FILE *in = fopen("/dev/null", "r");

	if (!t || !in || setup_curses(t, term, out, in) < 0) {
		free(t);
		if (in)
			fclose(in);
		return NULL;
	}
	t->m = m;
	t->speed = TUI_SPEED_1X;
	t->utf8 = view_utf8();
	resize_term(h, w);
	return t;
}

int tui_headless_press(struct tui *t, int key)
{
	int rc = key ? handle_key(t, key) : TUI_HANDLED;
	draw(t);
	return rc;
}

void tui_headless_close(struct tui *t)
{
	endwin();
	delscreen(screen);
	screen = NULL;
	free(t);
}

/* 1 when the cursor is on the last row there is: a live view keeps it there. */
static int at_end(struct model *m)
{
	struct model_pos p = model_cursor(m);
	return !model_pos_next(m, &p);
}

/* After more of a live trace came: new variants as columns, the cursor on the new end, news. */
static void live_update(struct tui *t, const struct view_options *ro, size_t *variants, int follow)
{
	char news[256] = "";
	if (!ro->variants && model_variant_count(t->m) != *variants) {
		*variants = model_variant_count(t->m);
		model_columns_default(t->m, 1);
	}
	if (follow)
		model_end(t->m);
	t->live->state(t->live->arg, t->live_state, sizeof(t->live_state));
	t->live->news(t->live->arg, news, sizeof(news));
	if (news[0]) {
		note(t, news);
		t->message_until = now_us() + NEWS_US;
	}
}

int tui_replay(struct model *m, const struct view_options *ro,
	       volatile sig_atomic_t *interrupted, const struct tui_live *live)
{
	struct tui t = {.m = m, .speed = TUI_SPEED_1X, .utf8 = view_utf8(), .live = live};
	size_t live_variants = 0;
	char err[1024];
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t mask;

	/* a trace of lvdemo's own: each column counts its page load, as the page itself does */
	model_set_page_loads(m, 1);

	/* a pipe's trace may come slowly: the screen and keys must not wait for it */
	model_set_nonblocking(m);
	int rc = tui_first_load(m, err, sizeof(err));
	if (rc < 0 && model_event_count(m) == 0) {
		fprintf(stderr, "lvtrace: %s\n", err);
		return 2;
	}
	(void)rc;
	/* a trace lvdemo wrote may name a variant late: all of it before saying no */
	if (ro->variants && model_set_columns(m, ro->variants, err, sizeof(err)) < 0 &&
	    (model_loaded(m) || model_load(m, 0, err, sizeof(err)) < 0 ||
	     model_set_columns(m, ro->variants, err, sizeof(err)) < 0)) {
		fprintf(stderr, "lvtrace: %s\n", err);
		return 2;
	}
	if (ro->all)
		model_columns_default(m, 1);

	/* SIGINT, SIGTERM, SIGHUP and SIGQUIT end the session from the loop */
	static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
	static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
	struct sigaction old_quit[4], old_fatal[5];
	struct sigaction fa = {.sa_handler = on_fatal};
	sigset_t old_mask;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&fa.sa_mask);
	sigemptyset(&mask);
	for (size_t i = 0; i < 4; i++) {
		sigaction(quit_signals[i], &sa, &old_quit[i]);
		sigaddset(&mask, quit_signals[i]);
	}
	for (size_t i = 0; i < 5; i++)
		sigaction(fatal_signals[i], &fa, &old_fatal[i]);
	/* lvtrace run's watcher blocks them: while the tracer runs, this thread takes them */
	pthread_sigmask(SIG_UNBLOCK, &mask, &old_mask);
	atexit(restore_terminal);
	if (setup_curses(&t, NULL, stdout, stdin) < 0) {
		fprintf(stderr, "lvtrace: cannot start the terminal (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		for (size_t i = 0; i < 4; i++)
			sigaction(quit_signals[i], &old_quit[i], NULL);
		for (size_t i = 0; i < 5; i++)
			sigaction(fatal_signals[i], &old_fatal[i], NULL);
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
		return 2;
	}

	/* search finds what the rows say, too */
	model_search_labels(m, view_search_label);
	/* --all on a terminal too narrow for it: the pair, and why */
	t.gutter = 2;
	t.sep = 3;
	if (model_column_count(m) > 2 && width_for(&t, model_column_count(m)) > COLS && !ro->variants) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%zu columns need a terminal %d wide; this one is %d: the pair instead",
			 model_column_count(m), width_for(&t, model_column_count(m)), COLS);
		model_columns_default(m, 0);
		note(&t, msg);
	}

	int quit = 0, dirty = 1;
	if (live)
		live_update(&t, ro, &live_variants, 1);
	while (!quit && !tui_signal && !*interrupted) {
		if (!model_loaded(m)) {
			/* a live view at the end stays at the end */
			int follow = live && at_end(m);
			size_t before = model_event_count(m);
			/* load in slices between frames: keys stay quick */
			long long until = now_us() + 15000;
			while (!model_loaded(m) && !model_waiting(m) && now_us() < until)
				if (model_load(m, 20000, err, sizeof(err)) < 0)
					break;
			if (model_waiting(m))
				model_load(m, 20000, err, sizeof(err)); /* once per frame while it waits */
			if (live)
				live_update(&t, ro, &live_variants, follow && model_event_count(m) != before);
			dirty = 1;
		}
		if (t.message[0] && t.message_until && now_us() > t.message_until) {
			t.message[0] = '\0';
			dirty = 1;
		}
		if (dirty) {
			draw(&t);
			dirty = 0;
		}
		int wait = 200;
		if (!model_loaded(m))
			wait = model_waiting(m) ? 100 : 0;
		else if (t.playing) {
			long long left = (t.next_tick_us - now_us()) / 1000;
			wait = left < 0 ? 0 : left > 200 ? 200 : (int)left;
		}
		timeout(wait);
		int key = getch();
		if (key != ERR) {
			/* a key's note lasts until the next key; news until its time is up */
			if (!t.message_until)
				t.message[0] = '\0';
			int r = handle_key(&t, key);
			if (r == TUI_QUIT)
				quit = 1;
			dirty = 1;
		}
		if (t.playing) {
			struct model_pos before = model_cursor(m);
			play_tick(&t);
			if (model_pos_cmp(before, model_cursor(m)) != 0 || !t.playing)
				dirty = 1;
		}
	}
	restore_terminal();
	for (size_t i = 0; i < 4; i++)
		sigaction(quit_signals[i], &old_quit[i], NULL);
	for (size_t i = 0; i < 5; i++)
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
	/* blocked again for lvtrace run's watcher, as they were */
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (model_error(m))
		fprintf(stderr, "lvtrace: %s\n", model_error(m));
	if (tui_signal)
		*interrupted = tui_signal;
	if (*interrupted)
		return 128 + *interrupted;
	return model_error(m) ? 1 : 0;
}
