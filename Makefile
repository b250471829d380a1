# lvtrace and lvdemo. `make run` and `make test` install what a fresh
# Debian 12 machine lacks (scripts/ensure-deps), then build.
#
#   make            build bin/lvdemo and bin/lvtrace
#   make run        the lesson: the first visit, assign beside assign_new, in the
#                   tracer (the plain view when there is no terminal)
#   make demo       serve lvdemo for a browser on http://127.0.0.1:$(PORT)
#   make test       build and run every test suite (alias: make check)
#   make asan       the same binaries with ASan and UBSan, in bin/asan/
#   make install    install to $(DESTDIR)$(PREFIX) (default /usr/local): the
#                   programs, the manuals, lvdemo's assets, the bundled scenarios
#   make uninstall  remove what make install put there
#   SANITIZE=1      build (and test) with the sanitizers

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
CFLAGS ?= -O2 -g
CXXFLAGS ?= -O2 -g

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes

# Each program gets only the libraries it needs. Recursive (=) on purpose:
# pkg-config runs after ensure-deps installed the packages.
TRACE_PKGS := libcjson
COMMON_PKGS := libcjson libwebsockets
DEMO_PKGS := libwebsockets sqlite3 libcjson libcrypt openssl
LVTRACE_PKGS := libwebsockets libcjson libxml-2.0 simdjson
TUI_PKGS := ncursesw
pkg_cflags = $(shell pkg-config --cflags $(1))
pkg_libs = $(shell pkg-config --libs $(1))

ifeq ($(SANITIZE),1)
BUILD := build/asan
BIN := bin/asan
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD := build/release
BIN := bin
SAN :=
endif

ASSETS_DIR := $(CURDIR)/build/assets
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(SAN)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

# what both programs share: memory and text helpers, JSON getters, the variants
COMMON_SRC := $(wildcard common/*.c)
# the trace library: the format, written by lvdemo and read by lvtrace
TRACE_SRC := $(wildcard tracer/trace_*.c)
# lvdemo
DEMO_SRC := $(filter-out demo_app/main.c,$(wildcard demo_app/*.c))
# lvtrace without its terminal views: scenarios, runner, model, text views
LVCORE_SRC := tracer/scenario.c tracer/expect.c tracer/runner.c $(wildcard tracer/run_*.c) \
	tracer/live_source.c $(wildcard tracer/import_*.c) tracer/merge.c \
	tracer/report.c $(wildcard tracer/model*.c) $(wildcard tracer/view_*.c)
# the model's fast line parser: simdjson, behind a C interface (model_json.h)
LVCORE_CXX := tracer/model_json.cpp
# lvtrace's ncurses views and its command line
TUI_SRC := $(wildcard tracer/tui*.c)
CLI_SRC := tracer/lvtrace.c tracer/cli.c $(wildcard tracer/cmd_*.c)

COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
TRACE_OBJ := $(TRACE_SRC:%.c=$(BUILD)/%.o)
DEMO_OBJ := $(DEMO_SRC:%.c=$(BUILD)/%.o)
LVCORE_OBJ := $(LVCORE_SRC:%.c=$(BUILD)/%.o) $(LVCORE_CXX:%.cpp=$(BUILD)/%.o)
TUI_OBJ := $(TUI_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIBCOMMON := $(BUILD)/libcommon.a
LIBTRACE := $(BUILD)/libtrace.a
LIBDEMO := $(BUILD)/libdemo.a
LIBLVCORE := $(BUILD)/liblvcore.a

# per-module flags: the most specific pattern wins
$(BUILD)/common/%.o: MOD_CFLAGS = -Icommon $(call pkg_cflags,$(COMMON_PKGS))
$(BUILD)/tracer/%.o: MOD_CFLAGS = -Itracer -Icommon $(call pkg_cflags,$(LVTRACE_PKGS))
$(BUILD)/tracer/trace_%.o: MOD_CFLAGS = -Itracer -Icommon $(call pkg_cflags,$(TRACE_PKGS))
$(BUILD)/tracer/tui%.o: MOD_CFLAGS = -Itracer -Icommon $(call pkg_cflags,$(LVTRACE_PKGS) $(TUI_PKGS))
$(BUILD)/tracer/cmd_%.o: MOD_CFLAGS = -Itracer -Icommon $(call pkg_cflags,$(LVTRACE_PKGS) $(TUI_PKGS))
$(BUILD)/demo_app/%.o: MOD_CFLAGS = -Idemo_app -Itracer -Icommon $(call pkg_cflags,$(DEMO_PKGS)) \
	-DLVDEMO_ASSETS_DIR='"$(ASSETS_DIR)"'
# the build tree's scenarios, where a lvtrace that is not installed finds the bundled ones
$(BUILD)/tracer/cli.o: MOD_CFLAGS = -Itracer -Icommon $(call pkg_cflags,$(LVTRACE_PKGS)) \
	-DLVTRACE_SCENARIOS_DIR='"$(CURDIR)/scenarios"'
TEST_CFLAGS = $(BASE_CFLAGS) -Itracer -Idemo_app -Icommon \
	$(call pkg_cflags,$(DEMO_PKGS) $(LVTRACE_PKGS) cmocka) $(CFLAGS)
TEST_LIBS = $(call pkg_libs,$(DEMO_PKGS) $(LVTRACE_PKGS) cmocka) -lstdc++ -lpthread

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: FORCE all deps test-deps fuzz-deps bench-deps run demo test check asan install uninstall clean unit-tests bench fuzz
.DEFAULT_GOAL := all

ASSETS := build/assets/app.js build/assets/phoenix.mjs build/assets/phoenix_live_view.esm.js

all: $(BIN)/lvdemo $(ASSETS)

# LiveView's own JavaScript client, pinned in package-lock.json
node_modules/.package-lock.json: package.json package-lock.json | deps
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/assets/app.js: demo_app/assets/app.js
	@mkdir -p $(dir $@)
	cp $< $@

build/assets/phoenix.mjs: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/phoenix/priv/static/phoenix.mjs $@

build/assets/phoenix_live_view.esm.js: node_modules/.package-lock.json
	@mkdir -p $(dir $@)
	cp node_modules/phoenix_live_view/priv/static/phoenix_live_view.esm.js $@

deps:
	@scripts/ensure-deps build

# elixir apart: when it cannot be installed, t0850 says it skips, and the rest runs
test-deps:
	@scripts/ensure-deps test
	@scripts/ensure-deps elixir || \
		echo "lvtrace: elixir could not be installed: the Elixir handler's tests (t0850) will be skipped" >&2

bench-deps:
	@scripts/ensure-deps bench

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(MOD_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

CXXWARN := -Wall -Wextra -Wformat=2 -Wshadow
$(BUILD)/%.o: %.cpp | deps
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 $(CXXWARN) $(SAN) -Itracer $(call pkg_cflags,simdjson) $(CXXFLAGS) -MMD -MP -c $< -o $@

# An archive is made anew from the objects of the sources there are now (ar
# adds and replaces members but never drops one): the list of sources is
# rewritten when one is added or removed, and that remakes every archive.
SOURCES_LIST := $(BUILD)/sources.list
ALL_LIB_SRC = $(sort $(COMMON_SRC) $(TRACE_SRC) $(DEMO_SRC) $(LVCORE_SRC) $(LVCORE_CXX) $(CLIENT_SRC))
ARCHIVE = rm -f $@ && $(AR) rcs $@ $(filter %.o,$^)
$(SOURCES_LIST): FORCE
	@mkdir -p $(dir $@)
	@echo '$(ALL_LIB_SRC)' | cmp -s - $@ || echo '$(ALL_LIB_SRC)' >$@
FORCE:

$(LIBTRACE): $(TRACE_OBJ) $(SOURCES_LIST)
	$(ARCHIVE)

$(LIBCOMMON): $(COMMON_OBJ) $(SOURCES_LIST)
	$(ARCHIVE)

$(LIBDEMO): $(DEMO_OBJ) $(SOURCES_LIST)
	$(ARCHIVE)

$(LIBLVCORE): $(LVCORE_OBJ) $(SOURCES_LIST)
	$(ARCHIVE)

$(BIN)/lvdemo: $(BUILD)/demo_app/main.o $(LIBDEMO) $(LIBTRACE) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(DEMO_PKGS)) -lpthread

$(BUILD)/tests/%: tests/unit/%.c $(LIBDEMO) $(LIBLVCORE) $(LIBTRACE) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

unit-tests: $(UNIT_BIN)

# The client library (tracer/lv_client.h): a synchronous HTTP and WebSocket
# "browser" for lvtrace's scenario runner and the tests. Its own archive, so
# that what links libtrace alone needs no lws client code.
CLIENT_SRC := $(wildcard tracer/lvc_*.c)
CLIENT_OBJ := $(CLIENT_SRC:%.c=$(BUILD)/%.o)
LIBCLIENT := $(BUILD)/libclient.a
LVC_DRIVE := $(BUILD)/tests/tools/lvc_drive
LVC_FAKE := $(BUILD)/tests/tools/lvc_fake_server

$(LIBCLIENT): $(CLIENT_OBJ) $(SOURCES_LIST)
	$(ARCHIVE)

# the unit tests link it too: a prerequisite added here joins $^ of their rule
$(UNIT_BIN): $(LIBCLIENT) $(LIBCOMMON)

# the driver behind tests/integration/t0400-client.sh (BUILD_DIR tells it where)
$(LVC_DRIVE): tests/tools/lvc_drive.c $(LIBCLIENT) $(LIBTRACE) $(LIBCOMMON) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

# a server with the odd answers lvdemo never gives, for the same test
$(LVC_FAKE): tests/tools/lvc_fake_server.c $(LIBCOMMON) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)

test: $(LVC_DRIVE) $(LVC_FAKE)

-include $(CLIENT_OBJ:.o=.d)

# lvtrace: the scenario runner and checker, and the tracer
$(BIN)/lvtrace: $(CLI_OBJ) $(TUI_OBJ) $(LIBLVCORE) $(LIBCLIENT) $(LIBTRACE) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pkg_libs,$(LVTRACE_PKGS) $(TUI_PKGS)) -lstdc++ -lpthread

all: $(BIN)/lvtrace

-include $(CLI_OBJ:.o=.d) $(TUI_OBJ:.o=.d) $(LVCORE_OBJ:.o=.d)

LESSON := scenarios/01-first-visit.scenario
LESSON_TRACE := build/lesson.trace.jsonl
PORT ?= 4000
DEMO_TRACE ?= build/demo.trace.jsonl
DEMO_DB ?= build/demo.db

# the scenario runs against fresh lvdemos, then the tracer replays its trace
run: all
	@echo "lvtrace: running the lesson, $(LESSON)" >&2
	@$(BIN)/lvtrace run --no-tracer -o $(LESSON_TRACE) $(LESSON) >build/lesson.summary || \
		{ cat build/lesson.summary; exit 1; }
	@$(BIN)/lvtrace replay --variants assign,assign_new $(LESSON_TRACE)

# lvdemo for a browser, and what to run beside it: the live tracer in a
# second terminal, the replay afterwards (Ctrl-C stops lvdemo)
demo: all
	@echo "lvdemo: open http://127.0.0.1:$(PORT)/ in a browser, register, then visit /assign/mission and /assign_new/mission"
	@echo "lvdemo: watch it count, in a second terminal: $(BIN)/lvtrace live http://127.0.0.1:$(PORT)"
	@echo "lvdemo: its trace is $(DEMO_TRACE); afterwards: $(BIN)/lvtrace replay $(DEMO_TRACE) (Ctrl-C stops lvdemo)"
	@exec $(BIN)/lvdemo --port $(PORT) --db $(DEMO_DB) --trace $(DEMO_TRACE)

test: test-deps all unit-tests
	@LVDEMO=$(BIN)/lvdemo UNIT_DIR=$(BUILD)/tests BUILD_DIR=$(BUILD) tests/run

check: test

BENCH_BIN := $(BUILD)/tests/bench/trace_read_bench

$(BENCH_BIN): tests/bench/trace_read_bench.c $(LIBTRACE) $(LIBCOMMON) | deps
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itracer -Icommon $(call pkg_cflags,$(TRACE_PKGS)) $(CFLAGS) $(ALL_LDFLAGS) -o $@ $^ \
		$(call pkg_libs,$(COMMON_PKGS))

TRACER_BENCH := $(BUILD)/tests/bench/tracer_bench

$(TRACER_BENCH): tests/bench/tracer_bench.c $(BUILD)/tracer/cli.o $(TUI_OBJ) \
		$(LIBLVCORE) $(LIBCLIENT) $(LIBTRACE) $(LIBCOMMON) | deps
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Itracer -Icommon $(call pkg_cflags,$(LVTRACE_PKGS) $(TUI_PKGS)) $(CFLAGS) $(ALL_LDFLAGS) \
		-o $@ $^ $(call pkg_libs,$(LVTRACE_PKGS) $(TUI_PKGS)) -lstdc++ -lpthread

# libFuzzer harnesses (clang): make fuzz [FUZZ_SECONDS=60]. Each starts from
# its checked-in seeds (tests/fuzz/seeds/H, made by tests/fuzz/make-seeds) and
# the inputs that once crashed or hung (tests/fuzz/corpus/H), with its
# dictionary (tests/fuzz/H.dict); what it finds goes to build/fuzz/corpus/H.
FUZZ_SECONDS ?= 20
FUZZ_TARGETS := fuzz_form fuzz_scenario fuzz_trace_line fuzz_session fuzz_model \
	fuzz_channel fuzz_http fuzz_token fuzz_otlp
FUZZ_SRC := $(DEMO_SRC) $(TRACE_SRC) $(COMMON_SRC) tracer/scenario.c
# the harnesses that need a whole lvdemo app (an in-memory database, workers)
FUZZ_APP_TARGETS := fuzz_channel fuzz_http

fuzz-deps:
	@scripts/ensure-deps fuzz

build/fuzz/%: tests/fuzz/%.c $(FUZZ_SRC) | fuzz-deps
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Itracer -Idemo_app -Icommon \
		$(call pkg_cflags,$(DEMO_PKGS)) -DLVDEMO_ASSETS_DIR='"$(ASSETS_DIR)"' -o $@ $(filter-out %.h,$^) \
		$(call pkg_libs,$(DEMO_PKGS)) -lpthread

# a prerequisite added here joins $^ of the rule above
$(FUZZ_APP_TARGETS:%=build/fuzz/%): tests/fuzz/fuzz_app.c tests/fuzz/fuzz_app.h
build/fuzz/fuzz_otlp: tracer/import_otlp.c

# the model: its C with clang, its simdjson interface with clang++
FUZZ_MODEL_SRC := $(TRACE_SRC) $(COMMON_SRC) $(wildcard tracer/model*.c) $(wildcard tracer/view_*.c) tracer/scenario.c

build/fuzz/model_json.o: tracer/model_json.cpp | fuzz-deps
	@mkdir -p $(dir $@)
	clang++ -std=c++17 -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=vptr -Itracer \
		$(call pkg_cflags,simdjson) -c $< -o $@

build/fuzz/fuzz_model: tests/fuzz/fuzz_model.c $(FUZZ_MODEL_SRC) build/fuzz/model_json.o | fuzz-deps
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined -Itracer -Icommon \
		$(call pkg_cflags,$(COMMON_PKGS) simdjson) -o $@ $(filter-out %.h,$^) \
		$(call pkg_libs,$(COMMON_PKGS) simdjson) -lstdc++

# one core: the fuzzers run one after the other, each in one process
fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p build/fuzz/corpus/$$t; \
		dirs=build/fuzz/corpus/$$t; \
		for d in tests/fuzz/seeds/$$t tests/fuzz/corpus/$$t; do [ ! -d $$d ] || dirs="$$dirs $$d"; done; \
		dict=; [ ! -f tests/fuzz/$$t.dict ] || dict=-dict=tests/fuzz/$$t.dict; \
		echo "== $$t ($(FUZZ_SECONDS) s)"; \
		build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 $$dict $$dirs \
			>build/fuzz/$$t.log 2>&1; status=$$?; \
		grep -E "INITED|DONE|ERROR|SUMMARY" build/fuzz/$$t.log; \
		[ $$status -eq 0 ] || { echo "$$t failed: see build/fuzz/$$t.log"; exit 1; }; \
	done

# The replay of the seeds and of the inputs that once crashed or hung, in
# make test (tests/integration/t0990-fuzz-corpus.sh): each harness linked with
# a small main instead of libFuzzer, built like the unit tests (so with the
# sanitizers under SANITIZE=1).
REPLAY_BIN := $(FUZZ_TARGETS:%=$(BUILD)/tests/fuzz/replay_%)
REPLAY_LIBS = $(call pkg_libs,$(DEMO_PKGS) $(LVTRACE_PKGS)) -lstdc++ -lpthread

$(BUILD)/tests/fuzz/replay_%: tests/fuzz/replay_main.c tests/fuzz/%.c \
		$(LIBDEMO) $(LIBLVCORE) $(LIBTRACE) $(LIBCOMMON) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -DLVDEMO_ASSETS_DIR='"$(ASSETS_DIR)"' $(ALL_LDFLAGS) -o $@ \
		$(filter %.c,$^) $(filter %.a,$^) $(REPLAY_LIBS)

$(FUZZ_APP_TARGETS:%=$(BUILD)/tests/fuzz/replay_%): tests/fuzz/fuzz_app.c tests/fuzz/fuzz_app.h

test: $(REPLAY_BIN)

bench: bench-deps all node_modules/.package-lock.json $(BENCH_BIN) $(TRACER_BENCH)
	@BIN=$(BIN) BUILD=$(BUILD) tests/bench/run

asan:
	$(MAKE) SANITIZE=1 all

# What install puts where: the programs, the manuals (every docs/*.1 and
# docs/*.5), lvdemo's assets (where lvdemo looks first: BIN/../share/lvdemo/assets)
# and the bundled scenarios (where lvtrace run NAME looks first:
# BIN/../share/lvtrace/scenarios). uninstall removes exactly these files, then
# the program's own directories under share if they are empty.
MAN1 := $(wildcard docs/*.1)
MAN5 := $(wildcard docs/*.5)
SCENARIOS := $(wildcard scenarios/*.scenario)
DEMO_SHARE = $(DESTDIR)$(DATADIR)/lvdemo
TRACE_SHARE = $(DESTDIR)$(DATADIR)/lvtrace

install: all
	install -d "$(DESTDIR)$(BINDIR)" "$(DEMO_SHARE)/assets" "$(TRACE_SHARE)/scenarios"
	install -m 755 $(BIN)/lvdemo "$(DESTDIR)$(BINDIR)/lvdemo"
	install -m 755 $(BIN)/lvtrace "$(DESTDIR)$(BINDIR)/lvtrace"
	install -m 644 $(ASSETS) "$(DEMO_SHARE)/assets/"
	install -m 644 $(SCENARIOS) "$(TRACE_SHARE)/scenarios/"
	$(if $(MAN1),install -d "$(DESTDIR)$(MANDIR)/man1" && install -m 644 $(MAN1) "$(DESTDIR)$(MANDIR)/man1/")
	$(if $(MAN5),install -d "$(DESTDIR)$(MANDIR)/man5" && install -m 644 $(MAN5) "$(DESTDIR)$(MANDIR)/man5/")

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/lvdemo" "$(DESTDIR)$(BINDIR)/lvtrace"
	rm -f $(foreach f,$(ASSETS),"$(DEMO_SHARE)/assets/$(notdir $(f))")
	rm -f $(foreach f,$(SCENARIOS),"$(TRACE_SHARE)/scenarios/$(notdir $(f))")
	rm -f $(foreach f,$(MAN1),"$(DESTDIR)$(MANDIR)/man1/$(notdir $(f))") \
		$(foreach f,$(MAN5),"$(DESTDIR)$(MANDIR)/man5/$(notdir $(f))")
	for d in "$(DEMO_SHARE)/assets" "$(DEMO_SHARE)" "$(TRACE_SHARE)/scenarios" "$(TRACE_SHARE)"; do \
		[ ! -d "$$d" ] || rmdir --ignore-fail-on-non-empty "$$d" || exit 1; \
	done

clean:
	rm -rf build bin tests/trash node_modules

-include $(COMMON_OBJ:.o=.d) $(TRACE_OBJ:.o=.d) $(DEMO_OBJ:.o=.d) $(BUILD)/demo_app/main.d $(BUILD)/tests/*.d
