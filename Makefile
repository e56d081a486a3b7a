# UrbanGrid build.  `make` builds build/urbangrid; see README for the rest.
#
#   make            release build (gcc by default, -O2)
#   make run        install what is missing, build, create the demo, serve it
#   make test       install what is missing, build, run every suite
#                   (unit + HTTP + browser, unit + HTTP again under
#                   ASan+UBSan, fuzz replay)
#   make browser    the public pages in headless chromium
#   make check-includes  who may include whom (scripts/check-includes)
#   make asan       the sanitizer build in build/asan/
#   make fuzz       long libFuzzer runs (FUZZ_SECONDS per target)
#   make bench      benchmarks (bench/)
#   make soak       30 minutes at half the peak: memory and p99 steady
#   make open311-check URL=https://host/open311/v2/ KEY=apikey
#                   Open311 conformance check against a running server,
#                   ours or any city's (docs/open311-check.md)

CC ?= cc
BUILD ?= build
PKGS := libmicrohttpd jansson sqlite3 libsodium geos proj cairo \
	pangocairo fontconfig gdk-pixbuf-2.0 xlsxwriter

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wformat=2 \
	-Wno-format-nonliteral
# -Wno-format-nonliteral: buf_vprintf()/log_msg() forward caller formats;
# the callers themselves are checked through format attributes.
OPT ?= -O2 -g
CFLAGS_ALL := -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE $(OPT) $(WARN) \
	-Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(SAN) $(CFLAGS)
LDFLAGS_ALL := $(SAN) $(LDFLAGS)
LIBS := $(PKG_LIBS) -lpthread -lm

SRC := $(filter-out $(EXCLUDE),$(wildcard src/lib/*.c src/store/*.c \
	src/store/*/*.c src/geo/*.c src/doc/*.c src/domain/*/*.c src/tools/*/*.c \
	src/http/*.c src/api/*.c src/web/*.c src/public/*.c src/ui/*.c src/cli/*.c))
SCHEMA := $(sort $(wildcard src/store/sqlite/schema/*.sql))
STD_DATA := $(sort $(wildcard data/standard/*.csv))
OBJ := $(SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/schema_sqlite.o \
	$(BUILD)/obj/gen/data_standard.o $(BUILD)/obj/gen/web_public.o

# The public pages: our files (web/public/) and the front-end packages
# they use, taken from node_modules/ (npm, pinned in package-lock.json),
# are staged in $(BUILD)/web/ and compiled into the binary.  Only the
# files named here ship.
WEB_OWN := $(sort $(shell find web/public -type f))
LEAFLET := node_modules/leaflet
LEAFLET_FILES := leaflet.js leaflet.css images/marker-icon.png \
	images/marker-icon-2x.png images/marker-shadow.png images/layers.png \
	images/layers-2x.png
WEB_STAGED := $(WEB_OWN:web/public/%=$(BUILD)/web/%) \
	$(LEAFLET_FILES:%=$(BUILD)/web/assets/leaflet/%) \
	$(BUILD)/web/assets/leaflet/LICENSE
# The staff console: our modules (web/console/) bundled by esbuild into
# fingerprinted files under $(BUILD)/web/console/ (tools/build-console.mjs);
# their names are known only once built, so the embed step lists them.
CONSOLE_SRC := $(sort $(shell find web/console -type f))
CONSOLE_OUT := $(BUILD)/web/console/index.html
# The phone pages (web/field/, served at /m/) likewise, with their
# service worker (tools/build-field.mjs); they share the console's modules.
FIELD_SRC := $(sort $(shell find web/field -type f))
FIELD_OUT := $(BUILD)/web/field/index.html
LIBUG := $(BUILD)/libug.a

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all run test unit http browser asan test-asan fuzz fuzz-short bench soak \
	clean deps demo-db open311-check open311-selftest check-includes

all: $(BUILD)/urbangrid

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror \
		$(shell pkg-config --cflags libsodium) -o $@ $< \
		$(shell pkg-config --libs libsodium)

$(BUILD)/gen/schema_sqlite.c: $(SCHEMA) $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed schema_sqlite src/store/sqlite/schema/ $(SCHEMA) > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/data_standard.c: $(STD_DATA) $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed data_standard data/standard/ $(STD_DATA) > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/web_public.c: $(WEB_STAGED) $(CONSOLE_OUT) $(FIELD_OUT) $(BUILD)/tools/embed
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed web_public $(BUILD)/web/ $(WEB_STAGED) \
		$(CONSOLE_OUT) $(BUILD)/web/console/screen.html \
		$$(find $(BUILD)/web/console/assets -type f | sort) \
		$(FIELD_OUT) $(BUILD)/web/field/sw.js \
		$$(find $(BUILD)/web/field/assets -type f | sort) > $@.tmp
	mv $@.tmp $@

# The public pages' shared modules (i18n-core.js, api.js) are bundled in
# too: the console imports them from web/public/assets/.
$(CONSOLE_OUT): $(CONSOLE_SRC) $(WEB_OWN) tools/build-console.mjs \
		tools/bundle.mjs node_modules/esbuild/package.json \
		node_modules/echarts/package.json
	node tools/build-console.mjs web/console $(BUILD)/web/console

$(FIELD_OUT): $(FIELD_SRC) $(CONSOLE_SRC) $(WEB_OWN) tools/build-field.mjs \
		tools/bundle.mjs node_modules/esbuild/package.json
	node tools/build-field.mjs web/field $(BUILD)/web/field

$(BUILD)/web/assets/leaflet/LICENSE: $(LEAFLET)/LICENSE
	@mkdir -p $(dir $@)
	cp $< $@

$(BUILD)/web/assets/leaflet/%: $(LEAFLET)/dist/%
	@mkdir -p $(dir $@)
	cp $< $@

$(BUILD)/web/%: web/public/%
	@mkdir -p $(dir $@)
	cp $< $@

# The packages come from scripts/install-deps; say so rather than "no rule".
$(LEAFLET)/% node_modules/lunar-javascript/% node_modules/esbuild/%:
	@echo "$@ is missing: run scripts/install-deps (or make deps)" >&2
	@exit 1
# ... and they are never make's to delete: without this, a file the rule
# above "could make" counts as intermediate and is removed after a build
# that used it (leaflet.js and leaflet.css vanished after `make run`).
.PRECIOUS: node_modules/%

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

$(LIBUG): $(filter-out $(BUILD)/obj/src/cli/main.o,$(OBJ))
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/urbangrid: $(BUILD)/obj/src/cli/main.o $(LIBUG)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/testutil.h $(LIBUG)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(LIBUG) $(LDFLAGS_ALL) \
		$(LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tests/test_render: tests/doc/sample.h

# The sample report in every format, for tests/http/render.test.mjs.
$(BUILD)/tests/doc_sample: tests/doc/doc_sample.c tests/doc/sample.h $(LIBUG)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Itests/doc -o $@ $< $(LIBUG) $(LDFLAGS_ALL) $(LIBS)

-include $(OBJ:.o=.d)

deps:
	@scripts/install-deps

# ---- tests ----------------------------------------------------------

# What an independent implementation of the Chinese calendar (npm
# lunar-javascript) says of 1901-2099, for test_lunar and test_solarterm
# to compare with: generated here, never committed.
ORACLE := build/oracle
ORACLE_FILES := $(ORACLE)/lunar-months.csv $(ORACLE)/solar-terms.csv
$(ORACLE_FILES) &: tests/oracle/calendar-oracle.mjs node_modules/lunar-javascript/package.json
	node tests/oracle/calendar-oracle.mjs $(ORACLE)

unit: $(UNIT_BIN) $(ORACLE_FILES)
	@UG_ORACLE=$(ORACLE) scripts/run-unit $(UNIT_BIN)

http: $(BUILD)/urbangrid $(BUILD)/tests/doc_sample
	UG_BIN=$(BUILD)/urbangrid node --test --test-concurrency=1 tests/http/

# The conformance checker's own tests, against an in-memory fixture server
# with faults that each make one check fail (tests/open311/selftest.test.mjs).
open311-selftest:
	node --test tests/open311/

# Run the checker against URL (the server's Open311 base, ending in
# /open311/v2/) with api_key KEY.  Options come from the environment or the
# command line: WRITE=0 SERVICE= LAT= LONG= JURISDICTION= ADDRESS_ID=
# MEDIA=0 ANONYMOUS=1 PHOTO_LIMIT= BODY_LIMIT= CHARSET= (see
# docs/open311-check.md).
# Needs only Node and the npm packages, so a deployer can run it anywhere.
open311-check:
	@test -n "$(URL)" || { echo "usage: make open311-check URL=https://host/open311/v2/ KEY=apikey [WRITE=0 ...]" >&2; exit 2; }
	@test -d node_modules/ajv -a -d node_modules/fast-xml-parser || npm ci --no-audit --no-fund --loglevel=error
	node tests/open311/check.mjs

# The public pages in headless chromium (Debian's, driven by npm
# playwright-core) against the real binary.
browser: $(BUILD)/urbangrid
	UG_BIN=$(BUILD)/urbangrid node --test --test-concurrency=1 tests/browser/

asan:
	$(MAKE) BUILD=build/asan CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" \
		build/asan/urbangrid build/asan/tests/doc_sample \
		$(patsubst $(BUILD)/%,build/asan/%,$(UNIT_BIN))

# tests/lsan.supp: the PDF renderer's libraries' own leaks (read it).
LSAN_SUPP := LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp
test-asan: asan $(ORACLE_FILES)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(LSAN_SUPP) UG_ORACLE=$(ORACLE) \
		scripts/run-unit $(patsubst $(BUILD)/%,build/asan/%,$(UNIT_BIN))
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(LSAN_SUPP) UG_BIN=build/asan/urbangrid \
		node --test --test-concurrency=2 tests/http/

fuzz-short:
	@scripts/fuzz short

fuzz:
	@scripts/fuzz long

# Who may include whom (docs/architecture.md), and the check's own test.
check-includes:
	scripts/check-includes
	node --test tests/tools/

test: deps
	$(MAKE) check-includes
	$(MAKE) all unit
	$(MAKE) http
	$(MAKE) open311-selftest
	$(MAKE) browser
	$(MAKE) test-asan
	$(MAKE) fuzz-short
	@echo "make test: all suites passed"

DEMO_DB ?= var/demo.db
PORT ?= 8080
# Moves a minute of the demo that keeps moving (docs/demo.md).
DEMO_LIVE_RATE ?= 6
# The demo's passwords go to a file only its owner can read (umask 077).
run: deps all
	@mkdir -p var
	@if [ ! -f $(DEMO_DB) ]; then \
		(umask 077 && $(BUILD)/urbangrid demo --db $(DEMO_DB) > var/demo-accounts.txt) && \
		sed 's/127\.0\.0\.1:8080/127.0.0.1:$(PORT)/g' var/demo-accounts.txt && \
		echo "(accounts saved in var/demo-accounts.txt, readable by you alone)"; \
	else \
		echo "Using existing $(DEMO_DB); demo accounts are in var/demo-accounts.txt"; \
		$(BUILD)/urbangrid init --db $(DEMO_DB) >/dev/null; \
	fi
	@echo "Staff console: http://127.0.0.1:$(PORT)/console/  Public pages: http://127.0.0.1:$(PORT)/public/"
	$(BUILD)/urbangrid serve --db $(DEMO_DB) --listen 127.0.0.1:$(PORT) \
		--demo-live --demo-live-rate $(DEMO_LIVE_RATE)

bench:
	@scripts/bench

# 30 minutes at half the measured peak: memory flat, p99 stable (bench/
# soak.sh; SOAK_MINUTES=N for a shorter run).  Not part of make test.
soak: $(BUILD)/urbangrid
	@scripts/install-deps --bench
	@mkdir -p bench/results
	@# The script's status, not tee's: a FAIL fails make soak.
	@{ bench/soak.sh; echo $$? > $(BUILD)/soak.status; } | tee bench/results/soak.txt; \
		exit $$(cat $(BUILD)/soak.status)

clean:
	rm -rf build
