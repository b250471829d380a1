# lvtrace and lvdemo. `make run` and `make test` install what a fresh
# Debian 12 machine lacks (scripts/ensure-deps), then build.
#
#   make            build bin/lvdemo (and the trace library)
#   make run        start lvdemo on http://127.0.0.1:4000, trace on stdout
#   make test       build and run every test suite (alias: make check)
#   make asan       the same binaries with ASan and UBSan, in bin/asan/
#   make install    install to $(DESTDIR)$(PREFIX) (default /usr/local)
#   SANITIZE=1      build (and test) with the sanitizers

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
CFLAGS ?= -O2 -g

PKGS := libwebsockets sqlite3 libcjson libcrypt openssl
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# Recursive (=) on purpose: pkg-config runs after ensure-deps installed the packages.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread

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
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Itracer -Idemo_app $(PKG_CFLAGS) $(SAN) \
	-DLVDEMO_ASSETS_DIR='"$(ASSETS_DIR)"' $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

TRACE_SRC := tracer/trace_write.c tracer/trace_read.c
DEMO_SRC := $(filter-out demo_app/main.c,$(wildcard demo_app/*.c))
TRACE_OBJ := $(TRACE_SRC:%.c=$(BUILD)/%.o)
DEMO_OBJ := $(DEMO_SRC:%.c=$(BUILD)/%.o)
LIBTRACE := $(BUILD)/libtrace.a
LIBDEMO := $(BUILD)/libdemo.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps test-deps run test check asan install uninstall clean unit-tests
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

test-deps:
	@scripts/ensure-deps test

$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(LIBTRACE): $(TRACE_OBJ)
	$(AR) rcs $@ $^

$(LIBDEMO): $(DEMO_OBJ)
	$(AR) rcs $@ $^

$(BIN)/lvdemo: $(BUILD)/demo_app/main.o $(LIBDEMO) $(LIBTRACE)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(LIBDEMO) $(LIBTRACE) | test-deps
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS) $(shell pkg-config --libs cmocka)

unit-tests: $(UNIT_BIN)

run: all
	$(BIN)/lvdemo --trace -

test: test-deps all unit-tests
	@LVDEMO=$(BIN)/lvdemo UNIT_DIR=$(BUILD)/tests tests/run

check: test

asan:
	$(MAKE) SANITIZE=1 all

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PREFIX)/share/lvdemo/assets
	install -m 755 $(BIN)/lvdemo $(DESTDIR)$(BINDIR)/lvdemo
	install -m 644 $(ASSETS) $(DESTDIR)$(PREFIX)/share/lvdemo/assets/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lvdemo
	rm -rf $(DESTDIR)$(PREFIX)/share/lvdemo

clean:
	rm -rf build bin tests/trash node_modules

-include $(TRACE_OBJ:.o=.d) $(DEMO_OBJ:.o=.d) $(BUILD)/demo_app/main.d
