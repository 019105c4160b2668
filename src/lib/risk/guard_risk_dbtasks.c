/*
 * Frameworks' database tasks: `php artisan migrate:fresh`, `mix ecto.drop`,
 * `dotnet ef database drop`, `npx typeorm schema:drop`... wipe or roll back
 * a database through a program whose name says nothing about it. Each row
 * names the program (and the script or subcommand that must come first),
 * the task's words in order, and what the task does. Rated before the verb
 * modules, whatever module claims the program (php, dotnet, mix, cargo).
 * rails/rake, prisma, manage.py and the migration tools' own verbs are
 * their modules' (guard_risk_sql.c, guard_risk_interp.c).
 */
#include "guard_risk_int.h"

static const struct db_task {
	const char *prog, *first; /* the program, and the word that must come before the task (or NULL) */
	const char *task[2];
	enum guard_level level;
	const char *does;
} db_tasks[] = {
	{ "php", "artisan", { "migrate:fresh" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "php", "artisan", { "migrate:reset" }, GUARD_LEVEL_CRITICAL, "rolls back every migration" },
	{ "php", "artisan", { "migrate:refresh" }, GUARD_LEVEL_CRITICAL, "rolls back and re-runs every migration" },
	{ "php", "artisan", { "db:wipe" }, GUARD_LEVEL_CRITICAL, "drops every table, view and type" },
	{ "php", "artisan", { "migrate:rollback" }, GUARD_LEVEL_HIGH, "rolls back migrations" },
	{ "php", "console", { "doctrine:database:drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "php", "console", { "doctrine:schema:drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "php", "console", { "doctrine:fixtures:load" }, GUARD_LEVEL_HIGH, "empties the tables before loading fixtures" },
	{ "php", "console", { "doctrine:migrations:migrate", "first" }, GUARD_LEVEL_HIGH, "rolls back every migration" },
	{ "wp", NULL, { "db", "reset" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "wp", NULL, { "db", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "wp", NULL, { "db", "clean" }, GUARD_LEVEL_CRITICAL, "drops WordPress's tables" },
	{ "wp", NULL, { "site", "empty" }, GUARD_LEVEL_HIGH, "deletes every post, comment and term" },
	{ "drush", NULL, { "sql:drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "drush", NULL, { "sql-drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "drush", NULL, { "site:install" }, GUARD_LEVEL_CRITICAL, "re-creates the site's database" },
	{ "drush", NULL, { "site-install" }, GUARD_LEVEL_CRITICAL, "re-creates the site's database" },
	{ "dotnet", "ef", { "database", "update" }, GUARD_LEVEL_MEDIUM, "changes the database schema" },
	{ "mix", NULL, { "ecto.drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "mix", NULL, { "ecto.reset" }, GUARD_LEVEL_CRITICAL, "drops and re-creates the database" },
	{ "mix", NULL, { "ecto.rollback" }, GUARD_LEVEL_HIGH, "rolls back migrations" },
	{ "dotnet", "ef", { "database", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "dotnet-ef", NULL, { "database", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "typeorm", NULL, { "schema:drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "typeorm", NULL, { "migration:revert" }, GUARD_LEVEL_HIGH, "rolls back a migration" },
	{ "typeorm-ts-node-commonjs", NULL, { "schema:drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "typeorm-ts-node-esm", NULL, { "schema:drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "sequelize", NULL, { "db:drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "sequelize-cli", NULL, { "db:drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "sequelize", NULL, { "db:migrate:undo:all" }, GUARD_LEVEL_HIGH, "rolls back every migration" },
	{ "sequelize-cli", NULL, { "db:migrate:undo:all" }, GUARD_LEVEL_HIGH, "rolls back every migration" },
	{ "sequelize-cli", NULL, { "db:migrate:undo" }, GUARD_LEVEL_HIGH, "rolls back a migration" },
	{ "sequelize-cli", NULL, { "db:seed:undo:all" }, GUARD_LEVEL_HIGH, "deletes every seeded row" },
	{ "sequelize", NULL, { "db:seed:undo:all" }, GUARD_LEVEL_HIGH, "deletes every seeded row" },
	{ "mikro-orm", NULL, { "schema:drop" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "mikro-orm", NULL, { "schema:fresh" }, GUARD_LEVEL_CRITICAL, "drops and re-creates every table" },
	{ "mikro-orm", NULL, { "migration:fresh" }, GUARD_LEVEL_CRITICAL, "drops every table" },
	{ "supabase", NULL, { "db", "reset" }, GUARD_LEVEL_HIGH, "re-creates the database from its migrations" },
	{ "supabase", NULL, { "projects", "delete" }, GUARD_LEVEL_CRITICAL, "deletes a project" },
	{ "drizzle-kit", NULL, { "drop" }, GUARD_LEVEL_HIGH, "deletes a migration" },
	{ "diesel", NULL, { "database", "reset" }, GUARD_LEVEL_CRITICAL, "drops and re-creates the database" },
	{ "diesel", NULL, { "migration", "revert" }, GUARD_LEVEL_HIGH, "rolls back a migration" },
	{ "diesel", NULL, { "migration", "redo" }, GUARD_LEVEL_HIGH, "rolls back and re-runs a migration" },
	{ "sqlx", NULL, { "database", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "sqlx", NULL, { "db", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "sqlx", NULL, { "db", "reset" }, GUARD_LEVEL_CRITICAL, "drops and re-creates the database" },
	{ "cargo", "sqlx", { "db", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "cargo", "sqlx", { "db", "reset" }, GUARD_LEVEL_CRITICAL, "drops and re-creates the database" },
	{ "sqlx", NULL, { "database", "reset" }, GUARD_LEVEL_CRITICAL, "drops and re-creates the database" },
	{ "cargo", "sqlx", { "database", "drop" }, GUARD_LEVEL_CRITICAL, "drops the database" },
	{ "cargo", "sqlx", { "database", "reset" }, GUARD_LEVEL_CRITICAL, "drops and re-creates the database" },
	{ "sqlx", NULL, { "migrate", "revert" }, GUARD_LEVEL_HIGH, "rolls back a migration" },
	{ "liquibase", NULL, { "dropAll" }, GUARD_LEVEL_CRITICAL, "drops every object in the database" },
	{ "liquibase", NULL, { "drop-all" }, GUARD_LEVEL_CRITICAL, "drops every object in the database" },
	{ "flyway", NULL, { "clean" }, GUARD_LEVEL_CRITICAL, "drops every object in the schemas" },
	{ "db-migrate", NULL, { "reset" }, GUARD_LEVEL_HIGH, "rolls back every migration" },
	{ "rails", NULL, { "db:truncate_all" }, GUARD_LEVEL_CRITICAL, "empties every table" },
	{ "rake", NULL, { "db:truncate_all" }, GUARD_LEVEL_CRITICAL, "empties every table" },
};

/*
 * Symfony's console (artisan, bin/console) finds a command from any start
 * of each of its ':' parts, in any case, when one command matches
 * ("mi:fr", "MIGRATE:FRESH" for migrate:fresh): word names task so.
 */
static bool
console_abbrev(const char *word, const char *task)
{
	if (!strchr(task, ':'))
		return false;
	for (;;) {
		size_t w = strcspn(word, ":"), t = strcspn(task, ":");
		if (!w || w > t || strncasecmp(word, task, w))
			return false;
		word += w, task += t;
		if (!*word || !*task)
			return !*word && !*task;
		word++, task++;
	}
}

/* mix do ecto.drop, ecto.create: a task ends at a comma */
static bool
task_is(const char *word, const char *task, bool console)
{
	size_t n = strlen(task);
	return !strcmp(word, task) || (!strncmp(word, task, n) && word[n] == ',' && !word[n + 1]) ||
	       (console && console_abbrev(word, task));
}

/* The index of the first argument from `from` on that is the word (a path's base name for a script). */
static size_t
find_word(const struct risk_cmd *c, size_t from, const char *word, bool script, bool console)
{
	for (size_t i = from; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		if (task_is(t, word, console) || (script && !strcmp(risk_basename(t), word)))
			return i;
	}
	return 0;
}

/* php8.2 is php; sail, ddev, lando run artisan in a container; elixir -S mix is mix. */
static const char *
prog_of(const struct risk_cmd *c)
{
	const char *n = c->name;
	if (!strncmp(n, "php", 3) && (!n[3] || n[3] == '-' || (n[3] >= '0' && n[3] <= '9')))
		return "php";
	if (!strcmp(n, "sail") || !strcmp(n, "ddev") || !strcmp(n, "lando"))
		return "php"; /* sail artisan ...: the word artisan follows */
	if (!strcmp(n, "elixir") || !strcmp(n, "iex"))
		return "mix"; /* elixir -S mix ecto.drop */
	return n;
}

void
risk_db_tasks(struct risk_state *st, const struct risk_cmd *c)
{
	const char *name = prog_of(c);

	for (size_t k = 0; k < sizeof(db_tasks) / sizeof(*db_tasks); k++) {
		const struct db_task *t = &db_tasks[k];
		size_t at = 1;
		/* ./artisan and bin/console are php's scripts run on their own */
		bool script_alone = t->first && !strcmp(c->name, t->first) &&
				    (!strcmp(t->first, "artisan") || !strcmp(t->first, "console"));
		bool console = t->first && (!strcmp(t->first, "artisan") || !strcmp(t->first, "console"));
		if (strcmp(name, t->prog) && !script_alone)
			continue;
		if (t->first && !script_alone && !(at = find_word(c, 1, t->first, true, false)))
			continue;
		size_t i = find_word(c, at, t->task[0], false, console);
		if (!i || (t->task[1] && (i + 1 >= c->argc || strcmp(c->argv[i + 1].text, t->task[1]))))
			continue;
		/* help on a task runs nothing: Symfony's console answers --help/-h before any command runs; mix help TASK */
		if ((console && risk_help_asked(c, "-h")) ||
		    (!strcmp(t->prog, "mix") && i > 1 && !strcmp(c->argv[i - 1].text, "help")))
			return;
		/* dotnet ef database update 0: back to no migration at all */
		if (!strcmp(t->prog, "dotnet") && !strcmp(t->task[1], "update")) {
			const struct guard_shell_word *ops[8];
			size_t n = risk_operands(c, i + 2, "--project -p --startup-project -s --context -c --connection "
						 "--framework -f --configuration --runtime -r --msbuildprojectextensionspath",
						 ops, 8);
			if (!n || strcmp(ops[0]->text, "0"))
				continue; /* an everyday update: the SQL module's and the policy's to rate */
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "dotnet ef database update 0 rolls back every migration");
			return;
		}
		enum guard_level level = t->level;
		const char *does = t->does;
		if (!strcmp(t->prog, "supabase") && !strcmp(t->task[1], "reset") &&
		    (risk_arg_has(c, "--linked") || risk_opt_value(c, NULL, "--db-url")))
			level = GUARD_LEVEL_CRITICAL, does = "re-creates the linked (remote) database";
		risk_rule(st, level, GUARD_CLASS_DELETE, "%s%s%s %s%s%s %s", t->prog, t->first ? " " : "",
			  t->first ? t->first : "", t->task[0], t->task[1] ? " " : "", t->task[1] ? t->task[1] : "",
			  does);
		return;
	}
}
