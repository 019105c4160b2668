#!/usr/bin/env python3
"""Write the planted-secret corpus t/scan/corpus/ and its answer key.

Every secret is random (seeded: the corpus is the same on every run) in the
published shape of its kind, planted in realistic files: .env, YAML, JSON,
Python, JavaScript, shell, a notebook, PEM files in a fixture folder. Beside
them, look-alikes that are not secrets: placeholders, documented example
keys, test keys marked as such, references to the environment, hashes,
UUIDs, base64 images, public keys and certificates.

expected.tsv lists each planted secret: file, line, kind. A finding on any
other line is a false finding. Run from the repository root:
    python3 t/scan/make_corpus.py
"""
import base64, hashlib, json, os, random, shutil, string, uuid

R = random.Random(20261206)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
UP, LO, DI = string.ascii_uppercase, string.ascii_lowercase, string.digits
AN = UP + LO + DI


def rs(chars, n):
    return "".join(R.choice(chars) for _ in range(n))


def pem(kind, lines=12):
    body = "\n".join(base64.b64encode(R.randbytes(48)).decode() for _ in range(lines))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----\n"


gen = {
    "aws-access-key": lambda: "AKIA" + rs(UP + "234567", 16),
    "aws-secret-key": lambda: rs(AN + "/+", 40),
    "github-classic": lambda: "ghp_" + rs(AN, 36),
    "github-oauth": lambda: "gho_" + rs(AN, 36),
    "github-app": lambda: "ghs_" + rs(AN, 36),
    "github-fine-grained": lambda: "github_pat_11" + rs(UP + DI, 20) + "_" + rs(AN, 59),
    "gitlab": lambda: "glpat-" + rs(AN + "-_", 20),
    "slack": lambda: "xoxb-" + rs(DI, 12) + "-" + rs(DI, 13) + "-" + rs(AN, 24),
    "slack-webhook": lambda: "https://hooks.slack.com/services/T" + rs(UP + DI, 8) + "/B" + rs(UP + DI, 10) + "/" + rs(AN, 24),
    "stripe": lambda: "sk_live_" + rs(AN, 24),
    "sendgrid": lambda: "SG." + rs(AN + "-_", 22) + "." + rs(AN + "-_", 43),
    "twilio": lambda: "SK" + rs("0123456789abcdef", 32),
    "openai": lambda: "sk-proj-" + rs(AN + "-_", 48),
    "anthropic": lambda: "sk-ant-api03-" + rs(AN + "-_", 93) + "AA",
    "google-api": lambda: "AIza" + rs(AN + "-_", 35),
    "azure-storage": lambda: rs(AN + "+/", 86) + "==",
    "npm": lambda: "npm_" + rs(AN, 36),
    "pypi": lambda: "pypi-AgEIcHlwaS5vcmc" + rs(AN + "-_", 70),
    "jwt": lambda: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ" + rs(AN + "-_", 60) + "." + rs(AN + "-_", 43),
    "password": lambda: rs(AN, 6) + R.choice("!#%^*-_") + rs(AN, 7),
    "entropy": lambda: rs(AN, 32),
}

files = {}     # path -> list of lines
expected = []  # (path, line, kind)


def add(path, line, kind=None):
    lines = files.setdefault(path, [])
    for i, l in enumerate(line.split("\n")):
        lines.append(l)
        if kind and i == 0:
            expected.append((path, len(lines), kind))


def secret_lines(kind, v):
    """Realistic lines holding secret v of kind: (file, text)."""
    name = kind.upper().replace("-", "_")
    return [
        (".env", f"{name}_TOKEN={v}" if kind not in ("password", "entropy") else None),
        ("config/settings.yaml", f"  {kind.replace('-', '_')}_key: \"{v}\""),
        ("src/config.py", f"{name}_API_KEY = \"{v}\""),
        ("web/src/client.js", f"const {kind.replace('-', '')}Key = '{v}';"),
        ("deploy/values.json", None),
        ("scripts/deploy.sh", f"export {name}_SECRET={v}"),
    ]


kinds = [k for k in gen if k not in ("password", "entropy", "azure-storage", "aws-secret-key", "slack-webhook")]
n = 0
for kind in kinds:
    for where in range(6):
        v = gen[kind]()
        f, text = secret_lines(kind, v)[where]
        if f == "deploy/values.json":
            add(f"deploy/{kind}.json", json.dumps({"service": kind, "credentials": {"apiKey": v}}, indent=2).split("\n")[0])
            files[f"deploy/{kind}.json"] = json.dumps({"service": kind, "credentials": {"apiKey": v}}, indent=2).split("\n")
            expected.append((f"deploy/{kind}.json", 4, kind))
            n += 1
            continue
        if text is None:
            text = f"{kind.upper().replace('-', '_')}={v}"
        add(f, text, kind)
        n += 1

# AWS secret keys, Azure keys, Slack webhooks in their usual homes
for i in range(6):
    add("home/.aws/credentials", f"[profile{i}]")
    add("home/.aws/credentials", f"aws_access_key_id = {gen['aws-access-key']()}", "aws-access-key")
    add("home/.aws/credentials", f"aws_secret_access_key = {gen['aws-secret-key']()}", "aws-secret-key")
    add("config/storage.ini", f"conn{i}=DefaultEndpointsProtocol=https;AccountName=acct{i};AccountKey={gen['azure-storage']()};EndpointSuffix=core.windows.net", "azure-storage")
    add("ops/alerts.yaml", f"webhook_{i}: {gen['slack-webhook']()}", "slack-webhook")

# passwords: URLs, connection strings, assignments in many languages, basic auth, -u, mysql -p
for i in range(6):
    p = gen["password"]()
    add("config/database.yml", f"url: postgres://app{i}:{p}@db{i}.internal:5432/app", "url-password")
    add("src/db.py", f"DATABASE_URL = \"mongodb+srv://svc{i}:{gen['password']()}@cluster{i}.mongodb.net/prod\"", "url-password")
    add("config/app.properties", f"spring.datasource.password={gen['password']()}", "password-assignment")
    add(".env", f"DB_PASSWORD={gen['password']()}", "password-assignment")
    add("src/settings.py", f"EMAIL_HOST_PASSWORD = '{gen['password']()}'", "password-assignment")
    add("docker-compose.yml", f"      MYSQL_ROOT_PASSWORD: \"{gen['password']()}\"", "password-assignment")
    cred = base64.b64encode(f"user{i}:{gen['password']()}".encode()).decode()
    add("scripts/api.sh", f"curl -H 'Authorization: Basic {cred}' https://api.internal/v1/items", "basic-auth")
    add("scripts/fetch.sh", f"curl -u deploy{i}:{gen['password']()} https://artifacts.internal/repo.tar.gz", "user-password")
    add("scripts/backup.sh", f"mysqldump -h db{i} -u backup -p{gen['password']()} app > /backup/app.sql", "mysql-password")
    add("config/client.toml", f"client_secret = \"{gen['entropy']()}\"", "password-assignment")
    add("config/signing.conf", f"signing.key {gen['entropy']()}", "high-entropy")

# Google service-account JSON files and PEM keys in a fixture folder
for i in range(3):
    sa = {"type": "service_account", "project_id": f"proj-{i}", "private_key_id": rs("0123456789abcdef", 40),
          "private_key": pem("PRIVATE KEY", 4), "client_email": f"svc{i}@proj-{i}.iam.gserviceaccount.com"}
    text = json.dumps(sa, indent=2).split("\n")
    path = f"secrets/sa-{i}.json"
    files[path] = text
    expected.append((path, 4, "gcp-private-key-id"))
    expected.append((path, 5, "private-key"))
for kind in ["RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "DSA PRIVATE KEY", "PRIVATE KEY",
             "ENCRYPTED PRIVATE KEY", "PGP PRIVATE KEY BLOCK"]:
    for i in range(2):
        path = f"test/fixtures/keys/{kind.split()[0].lower()}-{i}.pem"
        files[path] = pem(kind).rstrip("\n").split("\n")
        expected.append((path, 1, "private-key"))

# a notebook with a key in a cell
cells = [{"cell_type": "code", "metadata": {}, "source": ["import openai\n", f"openai.api_key = \"{gen['openai']()}\"\n"],
          "outputs": [], "execution_count": 1}]
nb = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1).split("\n")
files["notebooks/explore.ipynb"] = nb
expected.append(("notebooks/explore.ipynb", next(i + 1 for i, l in enumerate(nb) if "api_key" in l), "openai"))

# ---- look-alikes: none of these is a secret
neg = []
def lookalike(path, text):
    add(path, text)
    neg.append(path)

for i in range(10):
    lookalike("docs/setup.md", f"Set `AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE` (AWS's documented example key).")
    lookalike(".env.example", f"GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")
    lookalike(".env.example", f"DB_PASSWORD=<your-password-here>")
    lookalike("config/settings.yaml", f"  password: ${{DB_PASSWORD_{i}}}")
    lookalike("src/config.py", f"API_KEY_{i} = os.environ[\"API_KEY_{i}\"]")
    lookalike("web/src/client.js", f"const token{i} = process.env.API_TOKEN_{i};")
    lookalike("test/test_billing.py", f"STRIPE_TEST_KEY = \"sk_test_{rs(AN, 24)}\"  # Stripe test mode key")
    lookalike("web/src/stripe.js", f"const publishable = 'pk_live_{rs(AN, 24)}';")
    lookalike("package-lock.json", f"      \"integrity\": \"sha512-{base64.b64encode(R.randbytes(64)).decode()}\",")
    lookalike("checksums.txt", f"{hashlib.sha256(R.randbytes(16)).hexdigest()}  dist/app-{i}.tar.gz")
    lookalike("db/fixtures.sql", f"INSERT INTO sessions (id) VALUES ('{uuid.UUID(int=R.getrandbits(128))}');")
    lookalike("config/session.yaml", f"session_id: {uuid.UUID(int=R.getrandbits(128))}")
    lookalike("web/src/logo.js", f"export const logo = 'data:image/png;base64,{base64.b64encode(R.randbytes(300)).decode()}';")
    lookalike("src/models.py", f"    password{i} = models.CharField(max_length=128)")
    lookalike("src/types.ts", f"  password{i}: string;")
    lookalike("src/auth.py", f"    if password == confirm_password_{i}:")
    lookalike("CHANGELOG.md", f"- commit {hashlib.sha1(R.randbytes(8)).hexdigest()}: rotate the API token handling")
    lookalike("docs/api.md", f"Send `Authorization: Bearer <token>` with every request ({i}).")
    lookalike("src/crypto.go", f"\tkeyLen{i} := 32 // bytes of the session key")
    lookalike("config/keys.txt", "-----BEGIN PUBLIC KEY-----" if i % 2 else "-----BEGIN CERTIFICATE-----")

shutil.rmtree(OUT, ignore_errors=True)
for path, lines in files.items():
    full = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write("\n".join(lines) + "\n")
with open(os.path.join(OUT, "..", "expected.tsv"), "w") as f:
    f.write("# file\tline\tkind (written by make_corpus.py)\n")
    for p, l, k in expected:
        f.write(f"{p}\t{l}\t{k}\n")
print(f"{len(expected)} secrets, {len(neg)} look-alike lines, {len(files)} files")
