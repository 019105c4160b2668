/*
 * Infrastructure and release tools: docker/podman, terraform/tofu/pulumi,
 * cloud CLIs, deploy commands, package publishing, package managers and
 * the GitHub CLI.
 */
#include <ctype.h>
#include <dirent.h>
#include <string.h>

#include "guard_error.h"
#include "guard_file.h"
#include "guard_path.h"
#include "guard_risk_int.h"

/* The n-th word that is not an option (1-based), or "". */
static const char *
nth_word(const struct risk_cmd *c, unsigned n, const char *with_arg)
{
	unsigned k = 0;
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-') {
			if (with_arg && !strchr(t, '=') && strstr(with_arg, t) && t[1])
				i++;
			continue;
		}
		if (++k == n)
			return t;
	}
	return "";
}


static void
docker_run(struct risk_state *st, const struct risk_cmd *c, const char *tool)
{
	bool priv = risk_arg_has(c, "--privileged") || risk_arg_prefix(c, "--cap-add=SYS_ADMIN") ||
		    risk_arg_has(c, "--pid=host") || risk_arg_has(c, "--net=host") || risk_arg_has(c, "--network=host");
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s run starts a container", tool);
	if (priv)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s run with host privileges", tool);
	for (size_t i = 1; i + 1 < c->argc; i++) {
		const char *t = c->argv[i].text, *v = NULL;
		if (!strcmp(t, "-v") || !strcmp(t, "--volume") || !strcmp(t, "--mount"))
			v = c->argv[i + 1].text;
		else if (!strncmp(t, "--volume=", 9) || !strncmp(t, "-v", 2))
			v = strchr(t, '=') ? strchr(t, '=') + 1 : t + 2;
		if (!v || !*v)
			continue;
		char src[1024];
		const char *colon = strchr(v, ':');
		size_t n = colon ? (size_t)(colon - v) : strlen(v);
		if (!strncmp(v, "type=", 5) || n >= sizeof(src))
			continue;
		memcpy(src, v, n);
		src[n] = '\0';
		if (src[0] == '/' || src[0] == '~' || src[0] == '.') {
			if (!strcmp(src, "/") || !strcmp(src, "/etc") || !strcmp(src, "/var/run/docker.sock") ||
			    !strcmp(src, "/root"))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s run mounts the host: %s", tool, src);
			struct guard_shell_word w = { src, NULL, src[0] == '~' ? GUARD_WORD_TILDE : 0 };
			risk_path(st, "container mount", &w, PATH_READ);
		}
	}
}

/* docker stop $(docker ps -q), xargs docker kill: the containers are a listing's, so all of them. */
static bool
every_container(const struct risk_cmd *c)
{
	if (c->xargs)
		return true;
	for (size_t i = 2; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if ((strstr(t, "$(") || strchr(t, '`')) && strstr(t, " ps") && !strstr(t, "status=exited") &&
		    !strstr(t, "status=created"))
			return true;
	}
	return false;
}

static void
rate_docker(struct risk_state *st, const struct risk_cmd *c)
{
	const char *tool = c->name;
	const char *sub = nth_word(c, 1, "-H --host --context -c --config -l --log-level");
	const char *sub2 = nth_word(c, 2, "-H --host --context -c --config -f --file -p --project-name");
	bool force = risk_flag(c, 'f', "force");

	if (!strcmp(sub, "compose") || !strcmp(tool, "docker-compose") || !strcmp(tool, "podman-compose")) {
		const char *verb = !strcmp(sub, "compose") ? sub2 : sub;
		/* the compose files: what runs is what was approved (attack8 I18) */
		static const char *const defaults[] = { "compose.yaml", "compose.yml", "docker-compose.yml",
							"docker-compose.yaml", NULL };
		if (risk_opt_value(c, "-f", "--file"))
			risk_bind_opts(st, c, "-f", "--file");
		else
			for (size_t k = 0; defaults[k]; k++) {
				struct guard_shell_word w = { (char *)defaults[k], NULL, 0 };
				risk_bind_path(st, &w);
			}
		if (!strcmp(verb, "down") && (risk_flag(c, 'v', "volumes") || risk_arg_prefix(c, "--rmi")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s compose down -v deletes volumes", tool);
		else if (!strcmp(verb, "down") || !strcmp(verb, "rm") || !strcmp(verb, "stop") || !strcmp(verb, "kill"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "%s compose %s", tool, verb);
		else if (!strcmp(verb, "push"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s compose push publishes images", tool);
		else if (!strcmp(verb, "up") || !strcmp(verb, "run") || !strcmp(verb, "exec"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s compose %s runs containers", tool, verb);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (!strcmp(sub, "system") || !strcmp(sub, "volume") || !strcmp(sub, "image") || !strcmp(sub, "container") ||
	    !strcmp(sub, "network") || !strcmp(sub, "builder") || !strcmp(sub, "buildx")) {
		if (!strcmp(sub2, "prune"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s %s prune deletes data", tool, sub);
		else if (!strcmp(sub, "system") && !strcmp(sub2, "reset"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
				  "%s system reset deletes every container, image and volume", tool);
		else if (!strcmp(sub2, "rm") || !strcmp(sub2, "remove"))
			risk_rule(st, !strcmp(sub, "volume") ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE,
				  "%s %s rm", tool, sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (!strcmp(sub, "rm"))
		risk_rule(st, force || every_container(c) ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE,
			  "%s rm%s removes %s", tool, force ? " -f" : "",
			  every_container(c) ? "every container a listing names" : "containers");
	else if (!strcmp(sub, "rmi"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s rmi removes images", tool);
	else if (!strcmp(sub, "push"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s push publishes an image", tool);
	else if (!strcmp(sub, "run") || !strcmp(sub, "create"))
		docker_run(st, c, tool);
	else if (!strcmp(sub, "exec"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s exec runs a command in a container", tool);
	else if (!strcmp(sub, "stop") || !strcmp(sub, "kill") || !strcmp(sub, "restart") || !strcmp(sub, "pause"))
		risk_rule(st, every_container(c) ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s %s %s",
			  tool, sub, every_container(c) ? "every container a listing names" : "a container");
	else if (!strcmp(sub, "login"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s login stores credentials", tool);
	else if (!strcmp(sub, "build") || !strcmp(sub, "pull") || !strcmp(sub, "tag") || !strcmp(sub, "start") ||
		 !strcmp(sub, "commit") || !strcmp(sub, "save") || !strcmp(sub, "load") || !strcmp(sub, "cp"))
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ); /* ps, logs, images, inspect, version, info */
}

#define TF_FILES_MAX 200          /* *.tf files read in one folder */
#define TF_FILE_MAX (1u << 20)     /* bytes of one */

/*
 * terraform plan (and refresh) reads every data source, and a data
 * "external" runs its program to do so (attack8 I23: data "external" with
 * program rm -rf ~ ran under plan): the folder's *.tf files (-chdir=DIR,
 * else here) naming one make plan what apply is. A folder guard cannot
 * list or a file it cannot read counts as naming one.
 */
static const char *
tf_runs_programs(const struct risk_state *st, const struct risk_cmd *c)
{
	const char *chdir = NULL;
	for (size_t i = 1; i < c->argc; i++)
		if (!strncmp(c->argv[i].text, "-chdir=", 7))
			chdir = c->argv[i].text + 7;
	if (chdir && strpbrk(chdir, "$`"))
		return "its folder is named by a variable";
	char *dir = guard_path_resolve(st->cwds[0], chdir ? chdir : ".", st->ctx->home);
	void *d = risk_memo_opendir(dir);
	const char *why = NULL;
	size_t n = 0;
	if (!d) {
		free(dir);
		return NULL; /* no folder: terraform fails */
	}
	for (struct dirent *e; !why && (e = risk_memo_readdir(d)) != NULL;) {
		size_t l = strlen(e->d_name);
		if (l < 4 || (strcmp(e->d_name + l - 3, ".tf") && (l < 9 || strcmp(e->d_name + l - 8, ".tf.json"))))
			continue;
		if (++n > TF_FILES_MAX) {
			why = "its folder holds more .tf files than guard reads";
			break;
		}
		char *path = guard_xasprintf("%s/%s", dir, e->d_name), *data = NULL;
		size_t len = 0;
		if (risk_memo_read(path, TF_FILE_MAX, &data, &len) < 0) {
			guard_error_clear();
			why = "a .tf file guard cannot read";
		} else if (memmem(data, len, "\"external\"", 10) || memmem(data, len, "local-exec", 10)) {
			why = "a data source runs a program (external, local-exec)";
		}
		free(data);
		free(path);
	}
	risk_memo_closedir(d);
	free(dir);
	return why;
}

/* terraform apply: the folder's *.tf, *.tfvars and -var-file files bound for an approval (attack8 I18). */
static void
tf_bind(struct risk_state *st, const struct risk_cmd *c)
{
	const char *chdir = NULL;
	for (size_t i = 1; i < c->argc; i++)
		if (!strncmp(c->argv[i].text, "-chdir=", 7))
			chdir = c->argv[i].text + 7;
	if ((chdir && strpbrk(chdir, "$`")) || st->remote)
		return;
	char *dir = guard_path_resolve(st->cwds[0], chdir ? chdir : ".", st->ctx->home);
	void *d = risk_memo_opendir(dir);
	for (struct dirent *e; d && (e = risk_memo_readdir(d)) != NULL;) {
		const char *dot = strstr(e->d_name, ".tf");
		if (!dot || (strcmp(dot, ".tf") && strcmp(dot, ".tf.json") && strcmp(dot, ".tfvars") &&
			     strcmp(dot, ".tfvars.json")))
			continue;
		char *p = guard_xasprintf("%s/%s", dir, e->d_name);
		risk_bind_file(st, p);
		free(p);
	}
	if (d)
		risk_memo_closedir(d);
	free(dir);
	risk_bind_opts(st, c, NULL, "-var-file");
}

static void
rate_terraform(struct risk_state *st, const struct risk_cmd *c)
{
	const char *sub = nth_word(c, 1, NULL);
	bool auto_ok = risk_arg_has(c, "-auto-approve") || risk_arg_has(c, "--auto-approve");
	const char *tool = c->name, *runs = NULL;

	if ((!strcmp(sub, "plan") || !strcmp(sub, "refresh")) && strcmp(tool, "pulumi") && !st->remote &&
	    (runs = tf_runs_programs(st, c)) != NULL)
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_EXEC, "%s %s runs programs as apply does: %s", tool, sub,
			  runs);
	if (!strcmp(sub, "apply") || !strcmp(sub, "destroy") || !strcmp(sub, "plan") || !strcmp(sub, "import"))
		tf_bind(st, c);
	if (!strcmp(sub, "apply") || !strcmp(sub, "destroy") || !strcmp(sub, "up") || !strcmp(sub, "import")) {
		if (!strcmp(sub, "apply") && risk_flag(c, 0, "destroy"))
			sub = "destroy";
		risk_rule(st, GUARD_LEVEL_CRITICAL, !strcmp(sub, "destroy") ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
			  "%s %s changes real infrastructure%s", tool, sub, auto_ok ? " (-auto-approve: no confirmation)" : "");
	} else if (!strcmp(sub, "stack") && (!strcmp(nth_word(c, 2, NULL), "rm") || !strcmp(nth_word(c, 2, NULL), "remove"))) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s stack rm deletes a stack and its state%s", tool,
			  risk_flag(c, 'f', "force") ? " (--force: its resources left running, untracked)" : "");
	} else if (!strcmp(sub, "state")) {
		const char *op = nth_word(c, 2, NULL);
		if (!strcmp(op, "rm") || !strcmp(op, "mv") || !strcmp(op, "push") || !strcmp(op, "replace-provider"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s state %s edits the state", tool, op);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(sub, "taint") || !strcmp(sub, "untaint") || !strcmp(sub, "force-unlock") ||
		   !strcmp(sub, "workspace") || !strcmp(sub, "cancel") || !strcmp(sub, "refresh")) {
		if (!strcmp(sub, "workspace") && strcmp(nth_word(c, 2, NULL), "delete"))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s %s", tool, sub);
	} else if (!strcmp(sub, "init") || !strcmp(sub, "plan") || !strcmp(sub, "preview") || !strcmp(sub, "validate") ||
		   !strcmp(sub, "fmt") || !strcmp(sub, "show") || !strcmp(sub, "output") || !strcmp(sub, "providers") ||
		   !strcmp(sub, "version") || !strcmp(sub, "graph") || !strcmp(sub, "console") || !strcmp(sub, "stack") ||
		   !strcmp(sub, "config") || !strcmp(sub, "login") || !strcmp(sub, "get")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s %s", tool, sub);
	}
}

static bool
word_has(const struct risk_cmd *c, const char *needle)
{
	for (size_t i = 1; i < c->argc; i++)
		if (strstr(c->argv[i].text, needle))
			return true;
	return false;
}

/* word has part as one of its dash-separated parts ("batch-delete-image" has "delete"). */
static bool
hyphen_part(const char *word, const char *part)
{
	size_t n = strlen(part);
	for (const char *p = word; (p = strstr(p, part)) != NULL; p += n)
		if ((p == word || p[-1] == '-') && (!p[n] || p[n] == '-'))
			return true;
	return false;
}

/* aws/gcloud/az: reads are medium (cloud data), changes high, deletes high or critical. */
static void
rate_cloud(struct risk_state *st, const struct risk_cmd *c)
{
	const char *tool = c->name;

	if (word_has(c, "terminate-instances") || word_has(c, "delete-db") || word_has(c, "delete-stack") ||
	    word_has(c, "delete-bucket") || word_has(c, "delete-cluster") || !strcmp(nth_word(c, 2, NULL), "rb") ||
	    word_has(c, "delete-table") || word_has(c, "delete-file-system") || word_has(c, "delete-volume") ||
	    word_has(c, "delete-snapshot") || word_has(c, "delete-backup") || word_has(c, "schedule-key-deletion") ||
	    word_has(c, "--force-delete-without-recovery") || word_has(c, "delete-repository") ||
	    (!strcmp(tool, "az") && !strcmp(nth_word(c, 1, NULL), "group") && !strcmp(nth_word(c, 2, NULL), "delete")) ||
	    (!strcmp(tool, "gcloud") && word_has(c, "projects") && risk_arg_has(c, "delete"))) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s deletes cloud infrastructure", tool);
		return;
	}
	if (!strcmp(nth_word(c, 1, NULL), "s3") && !strcmp(nth_word(c, 2, NULL), "rm")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "aws s3 rm deletes objects%s",
			  risk_arg_has(c, "--recursive") ? " recursively" : "");
		return;
	}
	if (!strcmp(nth_word(c, 1, NULL), "s3") && (!strcmp(nth_word(c, 2, NULL), "sync") || !strcmp(nth_word(c, 2, NULL), "cp") ||
						      !strcmp(nth_word(c, 2, NULL), "mv"))) {
		risk_rule(st, risk_arg_has(c, "--delete") ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
			  "aws s3 %s copies data", nth_word(c, 2, NULL));
		return;
	}
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (t[0] == '-')
			continue;
		if (!strncmp(t, "delete", 6) || !strncmp(t, "remove", 6) || !strncmp(t, "destroy", 7) ||
		    !strncmp(t, "terminate", 9) || !strncmp(t, "purge", 5) || hyphen_part(t, "delete") ||
		    hyphen_part(t, "deletion") || hyphen_part(t, "deregister") || hyphen_part(t, "revoke")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s %s deletes cloud resources", tool, t);
			return;
		}
		if (!strncmp(t, "create", 6) || !strncmp(t, "update", 6) || !strncmp(t, "put", 3) ||
		    !strncmp(t, "deploy", 6) || !strncmp(t, "set", 3) || !strncmp(t, "modify", 6) ||
		    !strncmp(t, "run-instances", 13) || !strncmp(t, "start", 5) || !strncmp(t, "stop", 4) ||
		    !strncmp(t, "attach", 6) || !strncmp(t, "invoke", 6) || !strcmp(t, "up")) {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s %s changes cloud resources", tool, t);
			return;
		}
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "%s reads cloud resources", tool);
}

/* Deploy tools: production deploys are high. */
/* risk_verb_infra: docker, terraform, cloud, gh, then rate_deploy and rate_packages. */
const char *const risk_infra_verbs[] = {
	"docker", "podman", "nerdctl", "docker-compose", "podman-compose", "terraform", "tofu", "terragrunt",
	"pulumi", "aws", "gcloud", "az", "gh", "hub", "glab",
	/* deploy */
	"vercel", "netlify", "surge", "firebase", "fly", "flyctl", "heroku", "serverless", "sls", "cap",
	"capistrano", "ansible-playbook", "ansible", "eb", "gcloud-deploy", "kamal", "railway", "render",
	"wrangler", "cdk", "sam", "amplify", "doctl", "skaffold", "argocd", "flux",
	/* packages */
	"npm", "yarn", "pnpm", "bun", "pip", "pip3", "pipx", "uv", "poetry", "pipenv", "conda", "mamba",
	"cargo", "twine", "flit", "gem", "go", "mvn", "gradle", "gradlew", "dotnet", "nuget", "brew", NULL
};

/*
 * ansible's --check, -C or --syntax-check: nothing changes. Not as the
 * value of the option before it (`-e --check` is extra vars named so).
 */
static bool
ansible_check(const struct risk_cmd *c)
{
	static const char *const checks[] = { "--check", "-C", "--syntax-check", NULL };
	static const char *const switches[] = { "-v", "-vv", "-vvv", "-vvvv", "--verbose", "--diff", "-D", "-b",
						"--become", "-K", "--ask-become-pass", "-k", "--ask-pass", "--step",
						"--list-tasks", "--list-hosts", "--list-tags", "--flush-cache",
						"--force-handlers", "--check", "-C", "--syntax-check", NULL };

	for (size_t i = 1; i < c->argc && strcmp(c->argv[i].text, "--"); i++)
		if (risk_name_in(checks, c->argv[i].text) && !risk_after_value_option(c, i, switches))
			return true;
	return false;
}

static bool
rate_deploy(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name, *sub = nth_word(c, 1, NULL);
	bool prod = risk_arg_has(c, "--prod") || risk_arg_has(c, "--production") || word_has(c, "production") ||
		    word_has(c, "prod");

	if (!strcmp(n, "vercel") || !strcmp(n, "netlify") || !strcmp(n, "surge") || !strcmp(n, "firebase")) {
		if (!strcmp(sub, "remove") || !strcmp(sub, "rm") || word_has(c, "sites:delete") || word_has(c, "delete"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s deletes a deployment", n);
		else if (!strcmp(n, "firebase") && strcmp(sub, "deploy"))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else if (prod || !strcmp(n, "firebase"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s deploys to production", n);
		else if (!*sub || !strcmp(sub, "deploy"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s deploys a preview", n);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "fly") || !strcmp(n, "flyctl")) {
		if (!strcmp(sub, "deploy"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "fly deploy ships to production");
		else if (!strcmp(sub, "destroy") || (!strcmp(sub, "apps") && word_has(c, "destroy")))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "fly destroys an app");
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "fly %s", sub);
	} else if (!strcmp(n, "heroku")) {
		if (word_has(c, "destroy") || word_has(c, "pg:reset") || word_has(c, "pg:kill"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "heroku %s destroys an app or database", sub);
		else if (word_has(c, "config:set") || word_has(c, "config:unset") || word_has(c, "releases:rollback") ||
			 word_has(c, "ps:scale") || word_has(c, "run") || word_has(c, "deploy"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "heroku %s changes a live app", sub);
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_READ, "heroku %s", sub);
	} else if (!strcmp(n, "serverless") || !strcmp(n, "sls")) {
		if (!strcmp(sub, "remove"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "serverless remove deletes the stack");
		else if (!strcmp(sub, "deploy"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "serverless deploy");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "cap") || !strcmp(n, "capistrano")) {
		risk_rule(st, word_has(c, "deploy") ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
			  "capistrano %s", sub);
	} else if (!strcmp(n, "ansible-playbook") || !strcmp(n, "ansible")) {
		if (ansible_check(c) && risk_ansible_check_honoured(st, c))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else {
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes remote machines", n);
			risk_ansible_bind(st, c);
		}
	} else if (!strcmp(n, "argocd")) {
		const char *verb = nth_word(c, 2, "--server --auth-token --grpc-web-root-path --config");
		if (!strcmp(sub, "app") && (!strcmp(verb, "delete") || !strcmp(verb, "delete-resource")))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "argocd app %s deletes an app's resources", verb);
		else if (!strcmp(sub, "app") && !strcmp(verb, "sync"))
			risk_rule(st, GUARD_LEVEL_HIGH, risk_arg_has(c, "--prune") ? GUARD_CLASS_DELETE : GUARD_CLASS_WRITE,
				  "argocd app sync deploys%s", risk_arg_has(c, "--prune") ? " and --prune deletes what git lacks" : "");
		else if (!strcmp(verb, "delete") || !strcmp(verb, "rm") || !strcmp(verb, "remove") ||
			 (!strcmp(sub, "app") && (!strcmp(verb, "rollback") || !strcmp(verb, "set") || !strcmp(verb, "patch") ||
						  !strcmp(verb, "terminate-op") || !strcmp(verb, "actions"))))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "argocd %s %s changes a live deployment", sub, verb);
		else if (!strcmp(verb, "create") || !strcmp(verb, "add") || !strcmp(verb, "set") || !strcmp(verb, "update"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "argocd %s %s", sub, verb);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "flux")) {
		if (!strcmp(sub, "uninstall"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "flux uninstall removes GitOps from the cluster");
		else if (!strcmp(sub, "delete"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "flux delete removes a source or its workloads");
		else if (!strcmp(sub, "bootstrap") || !strcmp(sub, "install") || !strcmp(sub, "suspend") ||
			 !strcmp(sub, "resume") || !strcmp(sub, "reconcile") || !strcmp(sub, "create"))
			risk_rule(st, !strcmp(sub, "bootstrap") || !strcmp(sub, "install") ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM,
				  GUARD_CLASS_WRITE, "flux %s changes what the cluster runs", sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "eb") || !strcmp(n, "gcloud-deploy") || !strcmp(n, "kamal") || !strcmp(n, "railway") ||
		   !strcmp(n, "render") || !strcmp(n, "wrangler") || !strcmp(n, "cdk") || !strcmp(n, "sam") ||
		   !strcmp(n, "amplify") || !strcmp(n, "doctl") || !strcmp(n, "skaffold")) {
		if (!strcmp(sub, "deploy") || !strcmp(sub, "publish") || !strcmp(sub, "up") || !strcmp(sub, "run"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s %s deploys", n, sub);
		else if (!strcmp(sub, "destroy") || !strcmp(sub, "delete") || !strcmp(sub, "terminate") || !strcmp(sub, "remove") ||
			 (!strcmp(n, "doctl") && (risk_arg_has(c, "delete") || risk_arg_has(c, "rm") || risk_arg_has(c, "d"))))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s %s destroys a deployment or resource", n, sub);
		else
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "%s %s", n, sub);
	} else {
		return false;
	}
	return true;
}

/*
 * A package manager's setting of where packages come from or whether they
 * are checked (npm config set registry URL, pip config set
 * global.index-url URL, strict-ssl false, trusted-host): every later
 * install takes code from there. sub: the first operand.
 */
static bool
registry_set(const struct risk_cmd *c, const char *sub)
{
	static const char *const keys[] = { "registry", "index-url", "extra-index-url", "trusted-host", "strict-ssl",
		"npmregistryserver", "unsafehttpwhitelist", "enablestrictssl", "cafile", "find-links", "index", "channels",
		"default-channels", "custom-channels", "ssl-verify", "channel-alias", "default-registry", NULL };
	static const char *const setters[] = { "set", "--set", "--add", "--prepend", "--append", NULL };

	if (strcmp(sub, "config") && strcmp(sub, "set") && strcmp(sub, "c"))
		return false;
	for (size_t i = 1; i + 1 < c->argc; i++) {
		if (!risk_name_in(setters, c->argv[i].text))
			continue;
		/* options may stand between the verb and the key (npm config set --location=project registry URL) */
		size_t k = i + 1;
		while (k + 1 < c->argc && c->argv[k].text[0] == '-')
			k += !strchr(c->argv[k].text, '=') && (!strcmp(c->argv[k].text, "--location") ||
								 !strcmp(c->argv[k].text, "-L")) ? 2 : 1;
		if (k >= c->argc)
			break;
		/* the key's last part, any case, '_' as '-': global.index-url, @scope:registry, INDEX_URL */
		char whole[256];
		snprintf(whole, sizeof(whole), "%s", c->argv[k].text);
		whole[strcspn(whole, "=")] = '\0';
		for (char *p = whole; *p; p++)
			*p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
		const char *dot = strrchr(whole, '.'), *colon = strrchr(whole, ':');
		const char *key = dot && dot[1] && (!colon || dot > colon) ? dot + 1 : colon && colon[1] ? colon + 1 : whole;
		if (risk_name_in(keys, key) || (!strncmp(key, "pip-", 4) && risk_name_in(keys, key + 4)))
			return true;
	}
	return false;
}

/* npm/yarn/pnpm/bun: local installs and scripts are everyday; publish is not. */
static void
rate_js_pm(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name, *sub = nth_word(c, 1, "--prefix -C --dir --filter -w --workspace");

	if (!strcmp(sub, "publish") || !strcmp(sub, "release"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s publish releases a package", n);
	else if (!strcmp(sub, "unpublish") || (!strcmp(sub, "deprecate")))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s %s removes a published package", n, sub);
	else if (registry_set(c, sub))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s %s changes where packages come from or how they are checked",
			  n, sub);
	else if (!strcmp(sub, "dist-tag") || !strcmp(sub, "owner") || !strcmp(sub, "access") || !strcmp(sub, "token") ||
		 !strcmp(sub, "adduser") || !strcmp(sub, "login"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s %s changes registry settings", n, sub);
	else if ((risk_flag(c, 'g', "global") || !strcmp(sub, "global")) &&
		 (!strcmp(sub, "install") || !strcmp(sub, "i") || !strcmp(sub, "add") || !strcmp(sub, "global") ||
		  !strcmp(sub, "uninstall") || !strcmp(sub, "remove") || !strcmp(sub, "rm")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s installs packages globally", n);
	else if (!strcmp(sub, "exec") || !strcmp(sub, "x") || !strcmp(sub, "dlx")) {
		struct risk_cmd inner = *c;
		size_t i = 1;
		while (i < c->argc && strcmp(c->argv[i].text, sub))
			i++;
		i++;
		while (i < c->argc && c->argv[i].text[0] == '-')
			i++;
		if (i < c->argc) {
			inner.argv = c->argv + i;
			inner.argc = c->argc - i;
			risk_analyse_cmd(st, &inner);
		}
	} else if (!strcmp(sub, "cache") && word_has(c, "clean"))
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_DELETE);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
}

static bool
rate_packages(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name, *sub = nth_word(c, 1, "-r --requirement -c --constraint -i --index-url -t --target");

	if (!strcmp(n, "npm") || !strcmp(n, "yarn") || !strcmp(n, "pnpm") || !strcmp(n, "bun")) {
		rate_js_pm(st, c);
	} else if (!strcmp(n, "pip") || !strcmp(n, "pip3") || !strcmp(n, "pipx") || !strcmp(n, "uv") ||
		   !strcmp(n, "poetry") || !strcmp(n, "pipenv") || !strcmp(n, "conda") || !strcmp(n, "mamba")) {
		if (!strcmp(sub, "publish") || (!strcmp(n, "uv") && !strcmp(sub, "publish")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s publish releases a package", n);
		else if (registry_set(c, !strcmp(sub, "config") || !strcmp(sub, "set") ? "config" : sub))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "%s config changes where packages come from or how they are checked", n);
		else if (!strcmp(sub, "install") || !strcmp(sub, "add") || !strcmp(sub, "sync") || !strcmp(sub, "create")) {
			if (risk_arg_has(c, "--break-system-packages") || (c->elevated))
				risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s installs into the system", n);
			else if (!strcmp(n, "pip") || !strcmp(n, "pip3"))
				risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s install downloads and runs packages", n);
			else
				risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
			const char *req = risk_opt_value(c, "-r", "--requirement");
			if (req) {
				struct guard_shell_word w = { (char *)req, NULL, 0 };
				risk_path(st, n, &w, PATH_READ);
			}
		} else if (!strcmp(sub, "uninstall") || !strcmp(sub, "remove"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "%s %s removes packages", n, sub);
		else if (!strcmp(sub, "run")) {
			size_t i = 1;
			while (i < c->argc && strcmp(c->argv[i].text, "run"))
				i++;
			for (i++; i < c->argc && c->argv[i].text[0] == '-'; i++)
				;
			if (i < c->argc) {
				struct risk_cmd inner = *c;
				inner.argv = c->argv + i;
				inner.argc = c->argc - i;
				risk_analyse_cmd(st, &inner);
			}
		} else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "cargo")) {
		if (!strcmp(sub, "publish") || !strcmp(sub, "yank") || !strcmp(sub, "owner"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "cargo %s changes a published crate", sub);
		else if (!strcmp(sub, "install"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "cargo install builds and installs a binary");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "twine") || !strcmp(n, "flit")) {
		if (!strcmp(sub, "upload") || !strcmp(sub, "publish"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s %s publishes a package", n, sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "gem")) {
		if (!strcmp(sub, "sources") && (risk_arg_has(c, "--add") || risk_arg_has(c, "-a")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "gem sources --add changes where gems come from");
		else if (!strcmp(sub, "push") || !strcmp(sub, "yank") || !strcmp(sub, "owner"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "gem %s changes a published gem", sub);
		else if (!strcmp(sub, "install") || !strcmp(sub, "uninstall"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "gem %s", sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "go")) {
		if (!strcmp(sub, "env") && (risk_arg_has(c, "-w") || risk_arg_has(c, "-u")) &&
		    (word_has(c, "GOPROXY") || word_has(c, "GOSUMDB") || word_has(c, "GONOSUMDB") ||
		     word_has(c, "GONOSUMCHECK") || word_has(c, "GOINSECURE") || word_has(c, "GOPRIVATE") ||
		     word_has(c, "GOFLAGS") || word_has(c, "GONOPROXY") || word_has(c, "GOTOOLCHAIN")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE,
				  "go env -w changes where modules come from or how they are checked");
		else if (!strcmp(sub, "install") || !strcmp(sub, "get"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "go %s downloads and installs", sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "mvn") || !strcmp(n, "gradle") || !strcmp(n, "gradlew")) {
		if (word_has(c, "deploy") || word_has(c, "publish") || word_has(c, "release"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s publishes artifacts", n);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "dotnet") || !strcmp(n, "nuget")) {
		if (word_has(c, "push") && (word_has(c, "nuget") || !strcmp(n, "nuget")))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s nuget push publishes a package", n);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_EXEC);
	} else if (!strcmp(n, "brew")) {
		if (!strcmp(sub, "install") || !strcmp(sub, "upgrade") || !strcmp(sub, "tap"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "brew %s installs software", sub);
		else if (!strcmp(sub, "uninstall") || !strcmp(sub, "remove") || !strcmp(sub, "cleanup"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "brew %s removes software", sub);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else {
		return false;
	}
	return true;
}

/*
 * gh repo sync: with a repository named, it moves that repository's branch
 * on GitHub through the API (no git hook of the project sees it); without,
 * it updates the local branch, --force by a hard reset.
 */
static void
rate_gh_sync(struct risk_state *st, const struct risk_cmd *c)
{
	const char *dest = nth_word(c, 3, "-R --repo -b --branch -s --source");
	bool force = risk_arg_prefix(c, "--force");

	if (*dest)
		risk_rule(st, force ? GUARD_LEVEL_HIGH : GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE,
			  "gh repo sync %s%s moves a branch on GitHub through its API, where guard's git hooks do not run",
			  dest, force ? " --force (it may rewrite the branch)" : "");
	else if (force)
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "gh repo sync --force resets the local branch to the remote's (as git reset --hard)");
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_WRITE);
}

static void
rate_gh(struct risk_state *st, const struct risk_cmd *c)
{
	const char *a = nth_word(c, 1, "-R --repo"), *b = nth_word(c, 2, "-R --repo");

	if (!strcmp(a, "repo") && (!strcmp(b, "delete") || !strcmp(b, "archive")))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "gh repo %s", b);
	else if (!strcmp(a, "repo") && !strcmp(b, "sync"))
		rate_gh_sync(st, c);
	else if (!strcmp(a, "release") && !strcmp(b, "create"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "gh release create publishes a release");
	else if (!strcmp(a, "release") && !strcmp(b, "delete"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "gh release delete");
	else if (!strcmp(a, "pr") && !strcmp(b, "merge"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "gh pr merge merges into the base branch");
	else if (!strcmp(a, "secret") || !strcmp(a, "variable") || (!strcmp(a, "auth") && !strcmp(b, "token")))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "gh %s %s handles secrets", a, b);
	else if (!strcmp(a, "auth") && !strcmp(b, "status") && (risk_arg_has(c, "--show-token") || risk_arg_has(c, "-t")))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_READ, "gh auth status --show-token prints the token");
	else if ((!strcmp(a, "ssh-key") || !strcmp(a, "deploy-key") || (!strcmp(a, "repo") && !strcmp(b, "deploy-key"))) &&
		 (word_has(c, "add") || word_has(c, "create")))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "gh %s add gives a key lasting access", a);
	else if (!strcmp(a, "api") && (word_has(c, "deleteRepository") || word_has(c, "transferRepository") ||
				       word_has(c, "private=false") || word_has(c, "visibility=public") ||
				       (word_has(c, "updateRepository") && word_has(c, "PUBLIC")) ||
				       (word_has(c, "/transfer") && !word_has(c, "GET"))))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
			  "gh api deletes, transfers or publishes a repository");
	else if (!strcmp(a, "api")) {
		const char *m = risk_opt_value(c, "-X", "--method");
		if (m && !strcasecmp(m, "DELETE"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "gh api DELETE");
		else if (m && strcasecmp(m, "GET"))
			risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "gh api %s", m);
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(a, "repo") && !strcmp(b, "edit") && (risk_arg_prefix(c, "--visibility=public") ||
							     (risk_arg_has(c, "--visibility") && risk_arg_has(c, "public"))))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "gh repo edit --visibility public publishes the repository");
	else if ((!strcmp(a, "mr") && !strcmp(b, "merge")) || (!strcmp(a, "repo") && !strcmp(b, "rename")) ||
		 (!strcmp(a, "workflow") && !strcmp(b, "disable")) || (!strcmp(a, "ruleset") && strcmp(b, "list") &&
									 strcmp(b, "view") && strcmp(b, "check")))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s %s %s changes the repository on the server", c->name, a,
			  b);
	else if (!strcmp(b, "delete") || !strcmp(b, "remove") || !strcmp(b, "rm"))
		risk_rule(st, !strcmp(a, "pr") || !strcmp(a, "mr") ? GUARD_LEVEL_MEDIUM : GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE,
			  "%s %s %s deletes it on the server (no undo)", c->name, a, b);
	else if (!strcmp(b, "close") || (!strcmp(a, "run") && !strcmp(b, "cancel")) ||
		 (!strcmp(a, "auth") && !strcmp(b, "logout")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "%s %s %s", c->name, a, b);
	else if (!strcmp(a, "workflow") && !strcmp(b, "run"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_EXEC, "gh workflow run starts CI");
	else if (!strcmp(b, "create") || !strcmp(b, "edit") || !strcmp(b, "comment") || !strcmp(b, "review"))
		risk_base(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

bool
risk_verb_infra(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	risk_net_uploaders(st, c); /* gh gist create, pip download URL: network access (guard_risk_gitpush.c) */
	if (!strcmp(n, "docker") || !strcmp(n, "podman") || !strcmp(n, "nerdctl") || !strcmp(n, "docker-compose") ||
	    !strcmp(n, "podman-compose"))
		rate_docker(st, c);
	else if (!strcmp(n, "terraform") || !strcmp(n, "tofu") || !strcmp(n, "terragrunt") || !strcmp(n, "pulumi"))
		rate_terraform(st, c);
	else if (!strcmp(n, "aws") || !strcmp(n, "gcloud") || !strcmp(n, "az"))
		rate_cloud(st, c);
	else if (!strcmp(n, "gh") || !strcmp(n, "hub") || !strcmp(n, "glab"))
		rate_gh(st, c);
	else if (rate_deploy(st, c) || rate_packages(st, c))
		;
	else
		return false;
	return true;
}
