/*
 * The machine itself: power, services, processes, cron, firewall, users,
 * mounts, kernel settings and system package managers.
 */
#include <fcntl.h>
#include <unistd.h>

#include "guard_regex.h"
#include "guard_risk_int.h"

static const char *
first_operand(const struct risk_cmd *c, const char *with_arg)
{
	const struct guard_shell_word *ops[1];
	return risk_operands(c, 1, with_arg, ops, 1) ? ops[0]->text : "";
}

/* guard's programs as ps shows them, for names and patterns aimed at them */
static const char *const guard_procs[] = {
	"guard", "guard-risk", "guard-policy", "guard-approve", "guard-audit", "guard-session", "guard-git",
	"guard-session run --task nightly -- claude -p task", "guard hook claude", "guard mcp -- server", NULL
};

/* pid is this process or one it runs under: the agent, its supervisor (guard-session run), their shells */
static bool
is_ancestor(long pid)
{
	long p = (long)getpid();

	for (int depth = 0; p > 1 && depth < 64; depth++) {
		char path[64], buf[512], *q;
		ssize_t n;
		int fd;

		if (p == pid)
			return true;
		snprintf(path, sizeof(path), "/proc/%ld/stat", p);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			return false;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = '\0';
		/* the parent is the second field after the ")" that closes the name */
		if (!(q = strrchr(buf, ')')) || !q[1] || !q[2] || !q[3])
			return false;
		p = strtol(q + 4, NULL, 10);
	}
	return false;
}

/* a pkill/pgrep pattern (extended regex) or a killall name that reaches guard's processes */
static bool
names_guard(const char *pattern, bool regex)
{
	pcre2_code *re;
	pcre2_match_data *md;
	int err;
	PCRE2_SIZE off;
	bool hit = false;

	if (!regex) {
		const char *base = strrchr(pattern, '/') ? strrchr(pattern, '/') + 1 : pattern;
		return !strcmp(base, "guard") || !strncmp(base, "guard-", 6);
	}
	if (!(re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL)))
		return true; /* a pattern guard cannot read may name anything */
	md = pcre2_match_data_create_from_pattern(re, NULL);
	for (size_t i = 0; !hit && guard_procs[i]; i++)
		hit = pcre2_match(re, (PCRE2_SPTR)guard_procs[i], PCRE2_ZERO_TERMINATED, 0, 0, md, NULL) >= 0;
	pcre2_match_data_free(md);
	pcre2_code_free(re);
	return hit;
}

static void
rate_pkill(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	const char *n = c->name;
	bool regex = !!strcmp(n, "killall") || risk_flag(c, 'r', "regexp");
	size_t k = risk_operands_all(st, c, 1,
				     strcmp(n, "killall") ? "-s --signal -P --parent -g --pgroup -s --session -u --euid "
							    "-U --uid -t --terminal -F --pidfile --ns --nslist"
							  : "-s --signal -u --user -o --older-than -y --younger-than -n --ns",
				     &ops);

	if (!strcmp(n, "killall5")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "killall5 signals every process");
		return;
	}
	for (size_t i = 0; i < k; i++)
		if ((ops[i]->flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_SUBST)) || names_guard(ops[i]->text, regex)) {
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "%s %s may stop guard's own processes (the hook's supervisor)", n, ops[i]->text);
			return;
		}
	/* by parent, group or session: those of the agent's own line lead to guard's supervisor */
	if (risk_flag(c, 'P', "parent") || risk_flag(c, 'g', "pgroup") || (strcmp(n, "killall") && risk_flag(c, 's', "session"))) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
			  "%s by parent, group or session may stop guard's own processes", n);
		return;
	}
	risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s stops processes by name", n);
}

static void
rate_kill(struct risk_state *st, const struct risk_cmd *c)
{
	const struct guard_shell_word **ops;
	size_t n = risk_operands_all(st, c, 1, "-s -n", &ops);

	if (risk_flag(c, 'l', NULL) || risk_flag(c, 'L', NULL)) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	for (size_t i = 1; i < c->argc; i++) {
		const char *t = c->argv[i].text;
		/* "kill -9 -1" kills everything; "-1" right after the signal is a pid */
		if (!strcmp(t, "-1") && i > 1 && c->argv[i - 1].text[0] == '-')
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kill -1 signals every process");
	}
	for (size_t i = 0; i < n; i++) {
		const char *t = ops[i]->text;
		char *end;
		long pid = strtol(t, &end, 10);
		/* a pid computed at run time ($PPID, $(ps ...), $(cat .git/guard/...)) may be guard's supervisor;
		   $! (a job of the line itself) and %N (a job) cannot */
		if ((ops[i]->flags & (GUARD_WORD_DYNAMIC | GUARD_WORD_SUBST)) && strcmp(t, "$!"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "kill %s: a pid computed at run time may be guard's supervisor or the agent", t);
		else if (*t && !*end && pid > 1 && is_ancestor(pid < 0 ? -pid : pid))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE,
				  "kill %s signals the agent or guard's supervisor (a process this call runs under)", t);
		if (!strcmp(t, "1"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kill 1 signals init");
		else if (!strcmp(t, "-1") || !strcmp(t, "0"))
			risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "kill %s signals every process", t);
	}
	risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "kill stops a process");
}

static void
rate_systemctl(struct risk_state *st, const struct risk_cmd *c)
{
	const char *v = first_operand(c, "-H --host -M --machine -t --type -p --property -n --lines -o --output");

	if (!strcmp(v, "poweroff") || !strcmp(v, "reboot") || !strcmp(v, "halt") || !strcmp(v, "kexec") ||
	    !strcmp(v, "rescue") || !strcmp(v, "emergency") || !strcmp(v, "isolate"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "systemctl %s takes the machine down", v);
	else if (!strcmp(v, "stop") || !strcmp(v, "disable") || !strcmp(v, "mask") || !strcmp(v, "kill"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "systemctl %s stops a service", v);
	else if (!strcmp(v, "start") || !strcmp(v, "restart") || !strcmp(v, "reload") || !strcmp(v, "enable") ||
		 !strcmp(v, "daemon-reload") || !strcmp(v, "edit") || !strcmp(v, "set-property") ||
		 !strcmp(v, "unmask") || !strcmp(v, "try-restart") || !strcmp(v, "reload-or-restart"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "systemctl %s changes a service", v);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
}

static void
rate_crontab(struct risk_state *st, const struct risk_cmd *c)
{
	if (risk_flag(c, 'r', NULL))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "crontab -r deletes every cron job");
	else if (risk_flag(c, 'l', NULL))
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	else
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "crontab installs scheduled commands");
}

static void
rate_firewall(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;

	if (risk_flag(c, 'L', "list") || risk_flag(c, 'S', "list-rules") || risk_arg_has(c, "status") ||
	    risk_arg_has(c, "list") || risk_arg_has(c, "--list-all") || risk_arg_has(c, "--state")) {
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		return;
	}
	if (risk_flag(c, 'F', "flush") || risk_flag(c, 'X', "delete-chain") || risk_arg_has(c, "disable") ||
	    risk_arg_has(c, "flush") || risk_arg_has(c, "reset") || risk_arg_has(c, "--panic-on"))
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s flushes or disables the firewall", n);
	else
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes the firewall", n);
}

static void
rate_system_pm(struct risk_state *st, const struct risk_cmd *c)
{
	const char *n = c->name;
	const char *v = first_operand(c, "-o -c -t --option --config-file --target-release");

	if (!strcmp(v, "install") || !strcmp(v, "add") || !strcmp(v, "upgrade") || !strcmp(v, "dist-upgrade") ||
	    !strcmp(v, "full-upgrade") || !strcmp(v, "reinstall") || risk_flag(c, 'S', NULL) ||
	    (!strcmp(v, "update") && strcmp(n, "apt") && strcmp(n, "apt-get") && strcmp(n, "aptitude")))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s %s installs system packages", n, v);
	else if (!strcmp(v, "remove") || !strcmp(v, "purge") || !strcmp(v, "autoremove") || !strcmp(v, "erase") ||
		 !strcmp(v, "del") || risk_flag(c, 'R', NULL))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "%s %s removes system packages", n, v);
	else if (!strcmp(v, "update"))
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_WRITE, "%s update refreshes package lists", n);
	else
		risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	if (risk_arg_has(c, "--allow-unauthenticated") || risk_arg_has(c, "--force-yes") ||
	    risk_arg_has(c, "--nogpgcheck"))
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_EXEC, "%s without signature checks", n);
}

const char *const risk_sys_verbs[] = {
	"shutdown", "reboot", "halt", "poweroff", "init", "telinit", "systemctl", "service", "rc-service",
	"launchctl", "kill", "killall", "pkill", "killall5", "crontab", "iptables", "ip6tables", "nft", "ufw",
	"firewall-cmd", "pfctl", "userdel", "deluser", "groupdel", "delgroup", "useradd", "adduser",
	"usermod", "passwd", "chpasswd", "groupadd", "gpasswd", "chsh", "visudo", "vipw", "mount", "umount",
	"swapoff", "swapon", "losetup", "sysctl", "modprobe", "insmod", "rmmod", "kextload", "setenforce",
	"aa-disable", "csrutil", "spctl", "apt", "apt-get", "aptitude", "yum", "dnf", "apk", "pacman",
	"zypper", "snap", "flatpak", "port", "dpkg", "rpm", "emerge", "nix-env", "history",
	"update-alternatives", "ldconfig", "update-grub", "grub-install", "efibootmgr", NULL
};

bool
risk_verb_sys(struct risk_state *st, struct risk_cmd *c)
{
	const char *n = c->name;

	if (!strcmp(n, "shutdown") || !strcmp(n, "reboot") || !strcmp(n, "halt") || !strcmp(n, "poweroff")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s takes the machine down", n);
	} else if ((!strcmp(n, "init") || !strcmp(n, "telinit")) && c->argc > 1) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s changes the runlevel", n);
	} else if (!strcmp(n, "systemctl")) {
		rate_systemctl(st, c);
	} else if (!strcmp(n, "service") || !strcmp(n, "rc-service")) {
		const char *action = c->argc > 2 ? c->argv[2].text : "";
		if (!strcmp(action, "stop"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_DELETE, "service stop stops a service");
		else if (!strcmp(action, "status") || !*action)
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "service %s changes a service", action);
	} else if (!strcmp(n, "launchctl")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "launchctl changes services");
	} else if (!strcmp(n, "kill")) {
		rate_kill(st, c);
	} else if (!strcmp(n, "killall") || !strcmp(n, "pkill") || !strcmp(n, "killall5")) {
		rate_pkill(st, c);
	} else if (!strcmp(n, "crontab")) {
		rate_crontab(st, c);
	} else if (!strcmp(n, "iptables") || !strcmp(n, "ip6tables") || !strcmp(n, "nft") || !strcmp(n, "ufw") ||
		   !strcmp(n, "firewall-cmd") || !strcmp(n, "pfctl")) {
		rate_firewall(st, c);
	} else if (!strcmp(n, "userdel") || !strcmp(n, "deluser") || !strcmp(n, "groupdel") || !strcmp(n, "delgroup")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_DELETE, "%s deletes an account", n);
	} else if (!strcmp(n, "useradd") || !strcmp(n, "adduser") || !strcmp(n, "usermod") || !strcmp(n, "passwd") ||
		   !strcmp(n, "chpasswd") || !strcmp(n, "groupadd") || !strcmp(n, "gpasswd") || !strcmp(n, "chsh") ||
		   !strcmp(n, "visudo") || !strcmp(n, "vipw")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes accounts", n);
	} else if (!strcmp(n, "mount") || !strcmp(n, "umount") || !strcmp(n, "swapoff") || !strcmp(n, "swapon") ||
		   !strcmp(n, "losetup")) {
		if (c->argc == 1 && !strcmp(n, "mount"))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes mounted filesystems", n);
	} else if (!strcmp(n, "sysctl")) {
		if (risk_flag(c, 'w', "write") || risk_flag(c, 'p', "load"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "sysctl changes kernel settings");
		else
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
	} else if (!strcmp(n, "modprobe") || !strcmp(n, "insmod") || !strcmp(n, "rmmod") || !strcmp(n, "kextload")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes kernel modules", n);
	} else if (!strcmp(n, "setenforce") || !strcmp(n, "aa-disable") || !strcmp(n, "csrutil") || !strcmp(n, "spctl")) {
		risk_rule(st, GUARD_LEVEL_CRITICAL, GUARD_CLASS_WRITE, "%s weakens system security", n);
	} else if (!strcmp(n, "apt") || !strcmp(n, "apt-get") || !strcmp(n, "aptitude") || !strcmp(n, "yum") ||
		   !strcmp(n, "dnf") || !strcmp(n, "apk") || !strcmp(n, "pacman") || !strcmp(n, "zypper") ||
		   !strcmp(n, "snap") || !strcmp(n, "flatpak") || !strcmp(n, "port") || !strcmp(n, "dpkg") ||
		   !strcmp(n, "rpm") || !strcmp(n, "emerge") || !strcmp(n, "nix-env")) {
		if ((!strcmp(n, "dpkg") || !strcmp(n, "rpm")) && (risk_flag(c, 'l', "list") || risk_flag(c, 'q', "query") ||
								    risk_flag(c, 'L', "listfiles") || risk_flag(c, 's', "status")))
			risk_base(st, GUARD_LEVEL_LOW, GUARD_CLASS_READ);
		else if (!strcmp(n, "dpkg") || !strcmp(n, "rpm"))
			risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes system packages", n);
		else
			rate_system_pm(st, c);
	} else if (!strcmp(n, "history") && risk_flag(c, 'c', NULL)) {
		risk_rule(st, GUARD_LEVEL_MEDIUM, GUARD_CLASS_DELETE, "history -c erases the shell history");
	} else if (!strcmp(n, "update-alternatives") || !strcmp(n, "ldconfig") || !strcmp(n, "update-grub") ||
		   !strcmp(n, "grub-install") || !strcmp(n, "efibootmgr")) {
		risk_rule(st, GUARD_LEVEL_HIGH, GUARD_CLASS_WRITE, "%s changes the system", n);
	} else {
		return false;
	}
	return true;
}
