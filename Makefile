# guard: a plain Makefile. `make test` and `make demo` are all a newcomer needs.

VERSION   = 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/guard
# Helpers other programs exec, not commands of their own (guard-mcp-http).
LIBEXECDIR = $(PREFIX)/lib/guard
MANDIR    = $(PREFIX)/share/man
# Completion: one file per program where bash-completion's loader looks for
# it, zsh's vendor directory (on Debian's $fpath), fish's vendor directory.
BASHCOMPDIR = $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  = $(PREFIX)/share/zsh/vendor-completions
FISHCOMPDIR = $(PREFIX)/share/fish/vendor_completions.d

CC       ?= cc
OPT      ?= -O2 -g
EXTRA    ?=
BUILD    ?= build
BIN      ?= bin

# Each program and the libraries it links.
# libgit2 costs ~10 ms at start-up (DESIGN.md section 1): only the
# programs that need git link it, never the hook's.
PROGRAMS     = guard guard-risk guard-policy guard-approve guard-audit guard-session guard-git guard-scan
# guard-githook, the front of guard-git's hooks (no libgit2, no completion:
# git runs it, not a person).
HOOK_PROGRAMS = guard-githook
PKGS_COMMON  = libcjson yaml-0.1 uuid libsodium libpcre2-8
PKGS_GIT     = libgit2
# guard mcp --listen's Streamable HTTP transport, a helper program of its
# own (guard, the hook's binary, never loads these).
HELPERS      = guard-mcp-http
PKGS_HTTP    = libmicrohttpd libcurl

# Debian packages: to build and test, and for the extras.
DEBS_TEST  = gcc make pkg-config libcjson-dev libyaml-dev uuid-dev libsodium-dev \
             libpcre2-dev libgit2-dev libmicrohttpd-dev libcurl4-openssl-dev \
             bats git jq python3 strace zsh fish python3-jsonschema python3-yaml pre-commit chromium \
             ca-certificates
DEBS_BENCH = hyperfine valgrind nodejs npm time python3
DEBS_FUZZ  = clang libclang-rt-14-dev

CPPFLAGS_ALL = -Isrc/lib -I$(BUILD)/lib -include src/lib/guard_prelude.h -D_GNU_SOURCE \
	-DGUARD_VERSION='"$(VERSION)"' -DGUARD_DATADIR='"$(DATADIR)"' -DGUARD_LIBEXECDIR='"$(LIBEXECDIR)"' \
	$(shell pkg-config --cflags $(PKGS_COMMON) 2>/dev/null)
# -MMD -MP: each object lists the headers it includes, so a header change
# rebuilds only what includes it (the .d files are read at the end).
CFLAGS_ALL   = -std=c11 -MMD -MP -Wall -Wextra -Werror -Wshadow -Wformat=2 \
	-Wno-format-nonliteral -fno-strict-aliasing $(OPT) $(EXTRA) $(CFLAGS)
LDLIBS_COMMON = $(shell pkg-config --libs $(PKGS_COMMON) 2>/dev/null)
# STATIC_DEPS=1: libyaml, libuuid, libsodium and PCRE2 linked statically (cJSON
# has no .a in Debian). Fewer libraries for the loader to map and relocate at
# every hook call (t/bench/RESULTS.md), but a Debian security update of one of
# them then needs a rebuild of guard: a measured option, never the default.
ifeq ($(STATIC_DEPS),1)
LDLIBS_COMMON = -lcjson -Wl,-Bstatic -lyaml -luuid -lsodium -lpcre2-8 -Wl,-Bdynamic
endif
CPPFLAGS_GIT  = $(shell pkg-config --cflags $(PKGS_GIT) 2>/dev/null)
LDLIBS_GIT    = $(shell pkg-config --libs $(PKGS_GIT) 2>/dev/null)
# libgit2 and the libraries it brings (mbedTLS, libssh2 with OpenSSL's
# libcrypto, http-parser, zlib, PCRE2) are linked in from Debian's .a files
# by default; only Kerberos stays shared (no .a in Debian). With them shared
# the dynamic loader's symbol lookups and relocations for 24 libraries cost
# each guard-git, guard-scan range and guard-audit run about 8 M
# instructions and 6 ms, more than git's whole start (t/bench/RESULTS.md,
# issue 11). The price: a Debian security update of one of these archives
# needs guard rebuilt. So the programs list the archives as prerequisites
# (make relinks them after an update), the build records each archive's
# size and time (src/git_linked.c), and guard doctor reports a program
# linked with an archive that has changed since. The TLS and SSH code linked
# in is never started (src/git_notls.c). STATIC_GIT=0 links them shared.
STATIC_GIT   ?= 1
ifeq ($(STATIC_GIT),1)
LIBS_GIT_STATIC = $(shell pkg-config --static --libs-only-l $(PKGS_GIT) 2>/dev/null) -lcrypto -lz
LDLIBS_GIT    = -Wl,-Bstatic $(LIBS_GIT_STATIC) -Wl,-Bdynamic -l:libgssapi_krb5.so.2 -lrt -lpthread -ldl
NOTLS_WRAP    = $(foreach f,mbedtls_x509_crt_parse_file mbedtls_x509_crt_parse_path mbedtls_entropy_init \
	mbedtls_ctr_drbg_seed libssh2_init,-Wl,--wrap=$(f))
GIT_LIBDIR    = $(shell pkg-config --variable=libdir $(PKGS_GIT) 2>/dev/null)
GIT_ARCHIVES  = $(filter-out %/librt.a,$(sort $(wildcard $(patsubst -l%,$(GIT_LIBDIR)/lib%.a,$(filter -l%,$(LIBS_GIT_STATIC))))))
endif
# Programs (and unit tests) that link libgit2: name them here.
GIT_PROGRAMS  = guard-session guard-git guard-scan guard-audit
GIT_UNITS     = test_session_git test_audit_ref

# The risk analyzer is one area in its own folder; the rest is flat.
LIB_SRC  = $(sort $(wildcard src/lib/*.c src/lib/risk/*.c))
LIB_CORE = $(LIB_SRC:src/lib/%.c=$(BUILD)/lib/%.o)
LIB_OBJ  = $(LIB_CORE) $(BUILD)/lib/embedded_policy.o
LIB_A    = $(BUILD)/libguard.a
PROG_BIN = $(PROGRAMS:%=$(BIN)/%) $(HOOK_PROGRAMS:%=$(BIN)/%) $(HELPERS:%=$(BIN)/%)

UNIT_SRC = $(sort $(wildcard t/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:t/unit/%.c=$(BUILD)/unit/%)

SAN_FLAGS = -fsanitize=address,undefined,float-cast-overflow -fno-omit-frame-pointer -fno-sanitize-recover=all

.PHONY: deb check-layers all test test-fast check-deps deps install uninstall demo bench fuzz clean unit san inject

all: $(PROG_BIN)

$(BUILD)/lib/%.o: src/lib/%.c $(BUILD)/datadir.stamp | $(BUILD)/lib
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS_GIT) $(CFLAGS_ALL) -c -o $@ $<

# The everyday command tables: text, checked and compiled at build time.
$(BUILD)/lib/risk_tables.h: src/lib/risk/commands.txt src/tools/risk_tables.awk | $(BUILD)/lib
	awk -f src/tools/risk_tables.awk src/lib/risk/commands.txt >$@.tmp && mv $@.tmp $@
$(BUILD)/lib/risk/guard_risk_cmd.o: $(BUILD)/lib/risk_tables.h
# Long options of the programs that take any unique prefix of one (made by src/tools/gen_longopts.sh).
$(BUILD)/lib/risk_longopts.h: src/lib/risk/longopts.txt src/tools/longopts.awk | $(BUILD)/lib
	awk -f src/tools/longopts.awk src/lib/risk/longopts.txt >$@.tmp && mv $@.tmp $@
$(BUILD)/lib/risk/guard_risk_longopt.o $(BUILD)/unit/test_longopts: $(BUILD)/lib/risk_longopts.h

# The built-in policies, compiled in so a program works from the build tree
# and after install alike (an installed $(DATADIR)/default.yaml wins), each
# beside the tree policy-json made of it: a built-in layer with the shipped
# text skips libyaml and the schema at run time. policy-json links the
# library without this object (libguard-core.a), and fails the build when a
# shipped policy does not validate.
$(BUILD)/lib/embedded_policy.o: src/lib/embedded_policy.S policy/default.yaml policy/nightbuilder.yaml \
		$(BUILD)/lib/default.json $(BUILD)/lib/nightbuilder.json \
		$(BUILD)/lib/default.digest $(BUILD)/lib/nightbuilder.digest | $(BUILD)/lib
	$(CC) -c -Wa,-I$(BUILD)/lib -o $@ $<

$(BUILD)/lib/%.json: policy/%.yaml $(BUILD)/policy-json | $(BUILD)/lib
	$(BUILD)/policy-json $< >$@.tmp && mv $@.tmp $@

$(BUILD)/lib/%.digest: policy/%.yaml $(BUILD)/policy-json | $(BUILD)/lib
	$(BUILD)/policy-json --digest $< >$@.tmp && mv $@.tmp $@

$(BUILD)/libguard-core.a: $(LIB_CORE)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/policy-json: src/tools/policy_json.c $(BUILD)/libguard-core.a
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -o $@ $< $(BUILD)/libguard-core.a $(LDLIBS_COMMON) -lm $(LDFLAGS)

# Program-side helpers (they print; the library never does).
CLI_OBJ = $(BUILD)/cli.o $(BUILD)/init.o $(BUILD)/agents.o $(BUILD)/doctor.o $(BUILD)/init_mcp.o
# Reached only through the pattern rules: kept, or make deletes them after each build and compiles them again.
.SECONDARY: $(CLI_OBJ)
# Objects only one program needs, beside its main.
PROG_OBJ_guard-audit = $(BUILD)/audit_read.o $(BUILD)/report_html.o $(BUILD)/git_notls.o
# guard-git, guard-scan and guard-audit load no CA certificates (src/git_notls.c).
PROG_OBJ_guard-git = $(BUILD)/git_notls.o $(BUILD)/git_hookchain.o
PROG_OBJ_guard-githook = $(BUILD)/git_hookchain.o
PROG_OBJ_guard-scan = $(BUILD)/git_notls.o
$(BUILD)/%.o: src/%.c | $(BUILD)/lib
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

git_libs = $(if $(filter $(1),$(GIT_PROGRAMS) $(GIT_UNITS)),$(LDLIBS_GIT)) \
	$(if $(filter $(BUILD)/git_notls.o,$(PROG_OBJ_$(1))),$(NOTLS_WRAP))

# A program's own helper objects are listed as extra prerequisites below.
# guard-audit report's page, compiled in as the policies are (src/report_html.S).
$(BUILD)/report_html.o: src/report_html.S share/report/report.html | $(BUILD)/lib
	$(CC) -c -o $@ $<

$(BIN)/%: src/%.c $(CLI_OBJ) $(LIB_A) | $(BIN)
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS_GIT) $(CFLAGS_ALL) -MF $(BUILD)/$*.main.d -o $@ $< $(filter %.o,$^) $(LIB_A) $(call git_libs,$*) $(LDLIBS_COMMON) $(LDLIBS_PROG) -lm $(LDFLAGS)

$(BIN)/guard-approve $(BIN)/guard: $(BUILD)/approve_view.o
# guard mcp, the MCP proxy (never libgit2: it is on every tool call's path)
$(BIN)/guard: $(BUILD)/mcp_proxy.o $(BUILD)/mcp_govern.o
$(BIN)/guard-approve: $(BUILD)/approve_key.o
$(BIN)/guard-mcp-http: $(BUILD)/mcp_govern.o
$(BIN)/guard-mcp-http: LDLIBS_PROG = $(shell pkg-config --libs $(PKGS_HTTP) 2>/dev/null) -lpthread
$(BIN)/guard-audit: $(PROG_OBJ_guard-audit)
$(BIN)/guard-git: $(PROG_OBJ_guard-git)
$(BIN)/guard-githook: $(PROG_OBJ_guard-githook)
$(BIN)/guard-scan: $(PROG_OBJ_guard-scan)

$(BUILD)/unit/%: t/unit/%.c $(CLI_OBJ) $(LIB_A) | $(BUILD)/unit
	$(CC) $(CPPFLAGS_ALL) $(CPPFLAGS_GIT) -It/unit $(CFLAGS_ALL) -MF $@.d -o $@ $< $(CLI_OBJ) $(LIB_A) $(call git_libs,$*) $(LDLIBS_COMMON) -lm $(LDFLAGS)

# The fuzz regression replay compiles the fuzzers' entry points in.
$(BUILD)/unit/test_fuzz_regressions: t/fuzz/targets.c

# DATADIR is compiled in: a different PREFIX rebuilds the library.
$(BUILD)/datadir.stamp: FORCE | $(BUILD)/lib
	@echo '$(DATADIR)' | cmp -s - $@ || echo '$(DATADIR)' >$@

# The archives the git programs are linked with, each "PATH SIZE MTIME\n"
# (empty when shared), for guard doctor; rewritten only when it changes, so
# a Debian update of one archive, or STATIC_GIT changed, rebuilds doctor's
# object and relinks the git programs.
$(BUILD)/lib/git_linked.h: FORCE | $(BUILD)/lib
	@{ printf '#define GUARD_GIT_ARCHIVES "'; \
	   for a in $(GIT_ARCHIVES); do stat -L --printf '%n %s %Y\\n' "$$a" || exit 1; done; \
	   printf '"\n'; } >$@.tmp && { cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@; }
$(BUILD)/doctor.o: $(BUILD)/lib/git_linked.h
$(GIT_PROGRAMS:%=$(BIN)/%) $(GIT_UNITS:%=$(BUILD)/unit/%): $(BUILD)/lib/git_linked.h $(GIT_ARCHIVES)

FORCE:

$(BUILD)/lib $(BUILD)/unit $(BIN):
	mkdir -p $@

unit: $(UNIT_BIN) $(BUILD)/inject.so

# The failure-injection shim for t/failure.bats (t/inject/inject.c): a
# preload library, never sanitized itself, so it serves both passes.
INJECT_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -O2 -g -fPIC -shared
$(BUILD)/inject.so: t/inject/inject.c | $(BUILD)/lib
	$(CC) $(INJECT_CFLAGS) -o $@ $< -ldl

inject: $(BUILD)/inject.so

# The sanitizer build lives apart so it never mixes with the normal objects.
san:
	$(MAKE) --no-print-directory BUILD=build/san BIN=build/san/bin OPT='-O1 -g' \
		EXTRA='$(SAN_FLAGS)' all unit

# The MCP test parts (t/mcp/package-lock.json): npm ci when missing or stale.
.PHONY: mcp-deps
mcp-deps:
	@sh t/mcp/deps.sh

# Install missing Debian packages when root; otherwise say the one command.
check-deps deps:
	@sh t/deps.sh $(DEBS_TEST)

test: check-deps mcp-deps
	@$(MAKE) --no-print-directory all unit >/dev/null
	@$(MAKE) --no-print-directory san >/dev/null
	@sh t/run.sh

# One pass without sanitizers, for quick iteration.
test-fast: all unit
	@GUARD_PASSES=plain sh t/run.sh

# The suites three times beside two busy loops, as on a shared CI machine:
# run it before landing anything that touches timing. The plain pass only;
# GUARD_PASSES="plain san" for both (slower), GUARD_STRESS_ROUNDS=N.
.PHONY: test-stress
test-stress: check-deps mcp-deps
	@$(MAKE) --no-print-directory all unit $(if $(findstring san,$(GUARD_PASSES)),san) >/dev/null
	@sh t/stress.sh

demo: check-deps all
	@sh share/examples/demo.sh

# npm is checked as a command: NodeSource's nodejs package carries npm and
# conflicts with Debian's npm package. Without npm the peer is skipped.
bench: all
	@sh t/deps.sh $(DEBS_TEST) $(filter-out nodejs npm,$(DEBS_BENCH))
	@command -v npm >/dev/null 2>&1 || sh t/deps.sh nodejs npm || \
		echo "guard: no npm, the cc-safety-net comparison will be skipped" >&2
	@sh t/bench/run.sh

fuzz:
	@sh t/deps.sh $(DEBS_TEST) $(DEBS_FUZZ)
	@sh t/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 0755 $(PROGRAMS:%=$(BIN)/%) $(HOOK_PROGRAMS:%=$(BIN)/%) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 $(HELPERS:%=$(BIN)/%) $(DESTDIR)$(LIBEXECDIR)/
	install -m 0644 policy/*.yaml $(DESTDIR)$(DATADIR)/
	install -m 0644 share/man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 share/man/man5/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0644 $(PROGRAMS:%=share/completions/bash/%) $(DESTDIR)$(BASHCOMPDIR)/
	install -m 0644 share/completions/zsh/_guard $(DESTDIR)$(ZSHCOMPDIR)/
	install -m 0644 $(PROGRAMS:%=share/completions/fish/%.fish) $(DESTDIR)$(FISHCOMPDIR)/

# A Debian package of the programs, man pages, completions and policies
# (src/tools/deb.sh): dpkg-deb and dpkg-shlibdeps (dpkg-dev), fakeroot.
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)
deb:
	@sh t/deps.sh dpkg-dev fakeroot
	@sh src/tools/deb.sh $(VERSION) $(DEB_ARCH)

uninstall:
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(HOOK_PROGRAMS:%=$(DESTDIR)$(BINDIR)/%) $(HELPERS:%=$(DESTDIR)$(LIBEXECDIR)/%)
	rm -f $(DESTDIR)$(DATADIR)/default.yaml $(DESTDIR)$(DATADIR)/nightbuilder.yaml
	rm -f $(PROGRAMS:%=$(DESTDIR)$(BASHCOMPDIR)/%) $(DESTDIR)$(ZSHCOMPDIR)/_guard
	rm -f $(PROGRAMS:%=$(DESTDIR)$(FISHCOMPDIR)/%.fish)
	rm -f $(PROGRAMS:%=$(DESTDIR)$(MANDIR)/man1/%.1) $(DESTDIR)$(MANDIR)/man5/guard-policy.5

clean:
	rm -rf build bin

# Private headers stay in their area: guard_<area>_int.h / _internal.h is
# included only by that area's files (and its unit tests).
check-layers:
	@sh t/check-layers.sh

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
