#!/bin/sh
# A small C / Python / JS project for the everyday set, in the folder $1:
# sources, tests, build output, node_modules, an env template, a config
# with placeholder credentials, and a git history with a tag, a feature
# branch (checked out) and an origin.
set -eu
cd "$1"
mkdir -p src include tests/fixtures app web/src docs config scripts build dist \
	node_modules/left-pad vendor data .github/workflows old_tests coverage .pytest_cache
w() { f=$1; shift; printf "$@" >"$f"; }
w src/main.c '#include "util.h"\n\nint main(int argc, char **argv)\n{\n\t(void)argc; (void)argv;\n\treturn 0;\n}\n'
w src/util.c '#include "util.h"\n\nint util_parse(const char *s)\n{\n\tint n;\n\tfor (n = 0; s[n]; n++) {}\n\treturn n; /* TODO: errors */\n}\n'
cp src/util.c src/util.c.orig
w src/helpers.c 'int helper(void) { return 1; }\n'
w src/util.h '#ifndef UTIL_H\n#define UTIL_H\nint util_parse(const char *s);\n#endif\n'
w Makefile 'CFLAGS = -O2\n\nbuild/app: src/main.c src/util.c\n\t$(CC) $(CFLAGS) -o $@ $^\n\ntest: build/app\n\tpytest -q\n\nclean:\n\trm -rf build\n'
w README.md '# app\n\nBuild with make.\n'
w CHANGELOG.md '# Changes\n\n## Unreleased\n'
w VERSION '1.2.0\n'
w app/__init__.py '__version__ = "1.2.0"\n'
w app/core.py 'def parse(s):\n    return {"n": len(s)}\n'
w app/cli.py 'def main(argv):\n    return 0\n'
w tests/test_core.py 'from app.core import parse\n\n\ndef test_parse():\n    assert parse("ab") == {"n": 2}\n'
w requirements.txt 'requests==2.31.0\npytest==8.2.0\n'
w pyproject.toml '[project]\nname = "app"\nversion = "1.2.0"\n'
w package.json '{"name": "app", "version": "1.2.0", "scripts": {"build": "tsc", "test": "jest", "lint": "eslint web/src", "dev": "node web/src/index.js"}, "dependencies": {"left-pad": "1.3.0"}}\n'
cp package.json web/package.json
w web/src/index.js 'const port = 3000;\nconsole.log(port);\n'
w Dockerfile 'FROM python:3.12-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\n'
w docker-compose.yml 'services:\n  db:\n    image: postgres:16\n'
w .gitignore 'build/\nnode_modules/\n.env\n'
w .env.example 'DATABASE_URL=postgres://dev:dev@localhost/app_dev\nAPI_KEY=your-key-here\n'
w .env.sample 'API_KEY=\n'
w .env 'API_KEY=sk-live-51HqLw8f0c9bRealLookingKey0001\n'
w config/settings.yaml 'db:\n  host: localhost\n  port: 5432\n  password: changeme\n'
w config/settings.example.yaml 'db:\n  password: changeme\n'
w config/settings.json '{"debug": true}\n'
w docs/index.md '# Docs\n'
w scripts/build.sh '#!/bin/sh\nmake -j4\n'
w scripts/gen_fixtures.py 'print("ok")\n'
w data/sample.csv 'a,1\nb,2\n'
w words.txt 'b\na\nb\n'
w files.txt 'src/main.c\nsrc/util.c\n'
w build/timings.txt 'main 0.1\nutil 0.2\n'
w build/app 'binary\n'
cp build/app build/app.old
w build/util.o 'obj\n'
w node_modules/left-pad/index.js 'module.exports = 1;\n'
w old_tests/test_old.py 'pass\n'
git init -q -b main .
git config user.email dev@example.com
git config user.name dev
git add -A
git commit -qm "initial import"
git tag v1.1.0
w src/util.c '#include "util.h"\n\nint util_parse(const char *s)\n{\n\tint n;\n\tfor (n = 0; s && s[n]; n++) {}\n\treturn n; /* TODO: errors */\n}\n'
git commit -qam "util: accept NULL"
git tag v1.2.0
git clone -q --bare . "$1/../origin.git"
git remote add origin "$1/../origin.git"
git fetch -q origin
git checkout -q -b feature/login
w app/cli.py 'def main(argv):\n    return 0 if argv else 1\n'
git commit -qam "cli: exit 1 without arguments"
git branch -q feature/parser-fix main
