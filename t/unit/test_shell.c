/* The shell parser: quoting, operators, nesting, redirections, bounds. */
#include "guard_buf.h"
#include "guard_shell.h"
#include "unit.h"

static struct guard_shell sh;
static const struct guard_shell_vars vars = { "/home/u", "/proj", NULL, NULL };

static void
parse(const char *s)
{
	guard_shell_release(&sh);
	sh.want_tokens = true;
	guard_shell_parse(&sh, s, strlen(s), &vars);
}

static const char *
arg(size_t cmd, size_t i)
{
	return cmd < sh.ncmds && i < sh.cmds[cmd].argc ? sh.cmds[cmd].argv[i].text : NULL;
}

TEST(quotes_removed)
{
	parse("r''m -rf \"/\" 'a b' \"c\"d\\ e");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "rm");
	CHECK_STR(arg(0, 2), "/");
	CHECK_STR(arg(0, 3), "a b");
	CHECK_STR(arg(0, 4), "cd e");
	CHECK(sh.cmds[0].argv[0].flags & GUARD_WORD_QUOTED);
}

TEST(ansi_c_quotes)
{
	parse("$'\\x72m' $'a\\nb' $'\\u00e9' $'\\101'");
	CHECK_STR(arg(0, 0), "rm");
	CHECK_STR(arg(0, 1), "a\nb");
	CHECK_STR(arg(0, 2), "\xc3\xa9");
	CHECK_STR(arg(0, 3), "A");
}

TEST(operators_split_commands)
{
	parse("a; b && c || d | e |& f & g\nh");
	CHECK(sh.ncmds == 8);
	CHECK_STR(arg(0, 0), "a");
	CHECK_STR(arg(7, 0), "h");
	CHECK(sh.cmds[3].piped_out);
	CHECK(sh.cmds[4].pipe_pos == 1);
	CHECK(sh.cmds[5].pipe_pos == 2);
	CHECK(sh.cmds[5].background);
	CHECK(guard_shell_prev_in_pipe(&sh, &sh.cmds[4]) == &sh.cmds[3]);
}

TEST(subshells_and_groups_nest)
{
	parse("(cd x && rm y) > log; { echo a; echo b; }");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "cd");
	CHECK(sh.cmds[0].depth == 1);
	CHECK(sh.cmds[2].argc == 0 && sh.cmds[2].nredirs == 1);
	CHECK_STR(sh.cmds[2].redirs[0].target.text, "log");
	CHECK(sh.cmds[3].depth == 1);
}

TEST(command_substitution_is_parsed)
{
	parse("echo $(rm -rf /) `ls \\`pwd\\``");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "rm");
	CHECK(sh.cmds[0].substituted && sh.cmds[0].depth == 1);
	CHECK_STR(arg(1, 0), "pwd");
	CHECK(sh.cmds[1].depth == 2);
	const struct guard_shell_cmd *echo = &sh.cmds[sh.ncmds - 1];
	CHECK_STR(echo->argv[0].text, "echo");
	CHECK(echo->argv[1].flags & GUARD_WORD_SUBST);
	CHECK(echo->argv[1].flags & GUARD_WORD_DYNAMIC);
}

TEST(variables_resolved_or_flagged)
{
	parse("X=/; rm -rf $X \"$HOME\" ${HOME}/a $Y \"$Z/\" ${W:-x}");
	CHECK(sh.cmds[0].argc == 0 && sh.cmds[0].nassigns == 1);
	CHECK_STR(arg(1, 2), "/");
	CHECK_STR(arg(1, 3), "/home/u");
	CHECK_STR(arg(1, 4), "/home/u/a");
	CHECK(sh.cmds[1].argv[5].flags & GUARD_WORD_DYNAMIC);
	CHECK_STR(sh.cmds[1].argv[6].bare, "/");
	CHECK(sh.cmds[1].argv[7].flags & GUARD_WORD_DYNAMIC);
}

TEST(assignment_prefix)
{
	parse("FOO=1 BAR='a b' make test");
	CHECK(sh.cmds[0].nassigns == 2);
	CHECK_STR(sh.cmds[0].assigns[1].text, "BAR=a b");
	CHECK_STR(arg(0, 0), "make");
}

TEST(redirections)
{
	parse("cmd >out 2>>err &>all <in 3<>rw >&2 >| clob <<<'here' 2>/dev/null");
	const struct guard_shell_cmd *c = &sh.cmds[0];
	CHECK(c->argc == 1);
	CHECK(c->nredirs == 9);
	CHECK(c->redirs[0].op == GUARD_REDIR_OUT);
	CHECK(c->redirs[1].op == GUARD_REDIR_APPEND && c->redirs[1].fd == 2);
	CHECK(c->redirs[2].op == GUARD_REDIR_OUT_ALL);
	CHECK(c->redirs[3].op == GUARD_REDIR_IN);
	CHECK(c->redirs[4].op == GUARD_REDIR_RW && c->redirs[4].fd == 3);
	CHECK(c->redirs[5].op == GUARD_REDIR_DUP);
	CHECK(c->redirs[6].op == GUARD_REDIR_OUT);
	CHECK(c->redirs[7].op == GUARD_REDIR_HERESTRING);
	CHECK_STR(c->redirs[7].target.text, "here");
}

/* {NAME}>file is bash's named fd, not a word; >&$fd keeps that it was a dup; {a,b} and { list; } are not. */
TEST(named_fd_redirections)
{
	parse("exec {fd}>out {in}<src {log}>>l; echo x >&$fd {a}>&- {a,b}>x; { echo; } {g}>f");
	const struct guard_shell_cmd *c = &sh.cmds[0];
	CHECK(c->argc == 1 && c->nredirs == 3);
	CHECK(c->redirs[0].fd == GUARD_REDIR_FD_NAMED && c->redirs[0].op == GUARD_REDIR_OUT);
	CHECK_STR(c->redirs[0].fd_name, "fd");
	CHECK_STR(c->redirs[0].target.text, "out");
	CHECK(c->redirs[1].op == GUARD_REDIR_IN && !strcmp(c->redirs[1].fd_name, "in"));
	CHECK(c->redirs[2].op == GUARD_REDIR_APPEND && !strcmp(c->redirs[2].fd_name, "log"));
	c = &sh.cmds[1];
	CHECK_STR(arg(1, 0), "echo");
	CHECK(c->argc == 4 && c->nredirs == 3); /* echo x a b: {a,b} is brace expansion, not a name */
	CHECK(c->redirs[0].op == GUARD_REDIR_OUT_ALL && c->redirs[0].dup_word && c->redirs[0].fd_name[0] == '\0');
	CHECK(c->redirs[1].op == GUARD_REDIR_DUP && !strcmp(c->redirs[1].fd_name, "a"));
	CHECK(c->redirs[2].op == GUARD_REDIR_OUT && !c->redirs[2].dup_word);
	CHECK(sh.ncmds == 4 && sh.cmds[3].argc == 0 && !strcmp(sh.cmds[3].redirs[0].fd_name, "g"));
	parse("echo {toolongnametoolongnametoolongname}>x");
	CHECK(sh.cmds[0].argc == 2 && sh.cmds[0].redirs[0].fd == -1);
}

TEST(heredoc_body_is_data)
{
	parse("cat <<'EOF' > notes.md\nrm -rf /\nEOF\nls\ncat <<-X\n\tline\n\tX\n");
	CHECK(!sh.unparsed);
	CHECK(sh.ncmds == 3);
	CHECK_STR(sh.cmds[0].redirs[0].body, "rm -rf /\n");
	CHECK(sh.cmds[0].redirs[0].body_literal);
	CHECK_STR(arg(1, 0), "ls");
	CHECK_STR(sh.cmds[2].redirs[0].body, "line\n");
}

TEST(comments_skipped)
{
	parse("ls # rm -rf /\necho a#b");
	CHECK(sh.ncmds == 2);
	CHECK(sh.cmds[0].argc == 1);
	CHECK_STR(arg(1, 1), "a#b");
}

TEST(brace_expansion)
{
	parse("rm -rf /{etc,usr} {a,b}/{c,d} {x} ${HOME}");
	CHECK_STR(arg(0, 2), "/etc");
	CHECK_STR(arg(0, 3), "/usr");
	CHECK_STR(arg(0, 4), "a/c");
	CHECK_STR(arg(0, 7), "b/d");
	CHECK_STR(arg(0, 8), "{x}");
	CHECK_STR(arg(0, 9), "/home/u");
}

TEST(function_definition_and_fork_bomb_shape)
{
	parse(":(){ :|:& };:");
	CHECK(!sh.unparsed);
	CHECK(sh.cmds[0].defines_function);
	CHECK(sh.cmds[1].function && !strcmp(sh.cmds[1].function, ":"));
	CHECK(sh.cmds[1].piped_out);
	CHECK(sh.cmds[2].background);
}

TEST(control_structures)
{
	parse("if [ -f x ]; then rm x; else touch y; fi; for f in *.c; do cc $f; done; while true; do break; done");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "[");
	CHECK_STR(arg(1, 0), "rm");
	CHECK_STR(arg(2, 0), "touch");
	CHECK_STR(arg(3, 0), "cc");
	CHECK(sh.cmds[3].argv[1].flags & GUARD_WORD_DYNAMIC);
}

TEST(double_bracket_is_a_test)
{
	parse("[[ $a > b && -f x ]] && echo y");
	CHECK(!sh.unparsed);
	CHECK(sh.cmds[0].nredirs == 0);
	CHECK_STR(arg(1, 0), "echo");
}

/* attack7 H11/H12: keywords before a command and arithmetic hide no command from the list */
TEST(keywords_and_arithmetic_show_their_commands)
{
	parse("coproc rm -rf x");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "rm");
	parse("coproc NAME { rm x; }; coproc cat; coproc N2 ( touch y )");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "rm");
	CHECK_STR(arg(1, 0), "cat");
	CHECK_STR(arg(2, 0), "touch");
	parse("coproc NAME");
	CHECK_STR(arg(0, 0), "NAME"); /* a simple command named NAME */
	parse("time -p { rm x; }; time ls");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "rm");
	CHECK_STR(arg(1, 0), "time"); /* before a simple command: a word the analyzer sees through */
	parse("(( $(rm x) + `touch y` )); for ((i=$(mkdir d); i<1; i++)); do :; done");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(0, 0), "rm");
	CHECK(sh.cmds[0].substituted);
	CHECK_STR(arg(1, 0), "touch");
	CHECK_STR(arg(2, 0), "mkdir");
	CHECK_STR(arg(3, 0), ":");
	parse("(( i++ )) && echo ok");
	CHECK(!sh.unparsed);
	CHECK(sh.ncmds == 1);
	CHECK_STR(arg(0, 0), "echo");
	parse("echo ${x:$(rm a)} ${y[`touch b`]}");
	CHECK(sh.unparsed); /* as before: a substitution in ${..} is not fully analysed */
	CHECK_STR(arg(0, 0), "rm");
}

TEST(process_substitution)
{
	parse("diff <(ls a) <(ls b)");
	CHECK(!sh.unparsed);
	CHECK(sh.ncmds == 3);
	CHECK(sh.cmds[0].substituted);
	CHECK(sh.cmds[2].argv[1].flags & GUARD_WORD_SUBST);
}

TEST(case_statement)
{
	parse("case \"$1\" in\n  (a|b*) rm x ;;\n  c) echo c; ls ;&\n  *) touch y ;;&\nesac > log; pwd");
	CHECK(!sh.unparsed);
	CHECK(sh.ncmds == 6);
	CHECK_STR(arg(0, 0), "rm");
	CHECK_STR(arg(1, 0), "echo");
	CHECK_STR(arg(2, 0), "ls");
	CHECK_STR(arg(3, 0), "touch");
	CHECK(sh.cmds[4].argc == 0 && sh.cmds[4].nredirs == 1);
	CHECK_STR(arg(5, 0), "pwd");
	parse("case x in a) ;; esac");
	CHECK(!sh.unparsed && sh.ncmds == 0);
	parse("echo $(case x in a) echo in;; esac) esac");
	CHECK(!sh.unparsed);
	CHECK_STR(arg(1, 0), "echo");
	CHECK_STR(arg(1, 2), "esac");
}

TEST(constant_substitution_folded)
{
	parse("cat $(echo .env) \"$(printf '%s' a b)\" `echo x` $(printf '%s\\n' p q) $(echo ~/k)");
	CHECK(!sh.unparsed);
	const struct guard_shell_cmd *c = &sh.cmds[sh.ncmds - 1];
	CHECK_STR(c->argv[0].text, "cat");
	CHECK_STR(c->argv[1].text, ".env");
	CHECK(!(c->argv[1].flags & GUARD_WORD_DYNAMIC) && (c->argv[1].flags & GUARD_WORD_FOLDED));
	CHECK_STR(c->argv[2].text, "ab");
	CHECK_STR(c->argv[3].text, "x");
	CHECK_STR(c->argv[4].text, "p q");
	CHECK(c->argv[4].flags & GUARD_WORD_SPLIT);
	CHECK_STR(c->argv[5].text, "/home/u/k");
	/* not constant: kept unresolved */
	parse("rm $(printf '\\057\\x2f%b' '\\0101') $(mktemp -d) $(mktemp -p build x.XXX)");
	c = &sh.cmds[sh.ncmds - 1];
	CHECK_STR(c->argv[1].text, "//A");
	CHECK_STR(c->argv[2].text, "/tmp/tmp.XXXXXXXXXX");
	CHECK_STR(c->argv[3].text, "build/x.XXX");
	parse("h=~; x=~/k; y=a~; echo $(( $(rm a) + `rm b` ))");
	CHECK_STR(sh.known_values.items[0], "/home/u");
	CHECK_STR(sh.known_values.items[1], "/home/u/k");
	CHECK_STR(sh.known_values.items[2], "a~");
	CHECK(sh.ncmds == 6 && !strcmp(sh.cmds[3].argv[0].text, "rm") && !strcmp(sh.cmds[4].argv[1].text, "b"));
	parse("rm $(cat f) $(echo $X) $(printf '%d' 1) $(mktemp $T) $(echo a; echo b) $(echo a | tr a b)");
	c = &sh.cmds[sh.ncmds - 1];
	CHECK_STR(c->argv[0].text, "rm");
	for (size_t i = 1; i < c->argc; i++)
		CHECK(c->argv[i].flags & GUARD_WORD_DYNAMIC);
	parse("echo() { :; }; cat $(echo x)");
	CHECK(sh.cmds[sh.ncmds - 1].argv[1].flags & GUARD_WORD_DYNAMIC);
}

TEST(unquoted_expansion_splits)
{
	parse("a='-rf /'; rm $a \"$a\" ${IFS}x");
	CHECK_STR(arg(1, 1), "-rf /");
	CHECK(sh.cmds[1].argv[1].flags & GUARD_WORD_SPLIT);
	CHECK(!(sh.cmds[1].argv[2].flags & GUARD_WORD_SPLIT));
	CHECK(sh.cmds[1].argv[3].flags & GUARD_WORD_SPLIT);
	parse("IFS=,; a=rm,-rf; $a");
	CHECK(sh.ncmds == 3);
	CHECK_STR(arg(2, 0), "rm -rf");
	CHECK(sh.ncmds == 3 && (sh.cmds[2].argv[0].flags & GUARD_WORD_SPLIT));
	parse("p='*.c'; ls $p");
	CHECK_STR(arg(1, 1), "*.c");
	CHECK(sh.ncmds == 2 && (sh.cmds[1].argv[1].flags & GUARD_WORD_GLOB));
}

TEST(brace_expansion_at_command_position)
{
	parse("{rm,-rf,/}; a={x,y} b");
	CHECK_STR(arg(0, 0), "rm");
	CHECK_STR(arg(0, 2), "/");
	CHECK(sh.cmds[1].nassigns == 1 && !strcmp(sh.cmds[1].assigns[0].text, "a={x,y}"));
}

TEST(process_substitution_as_redirection)
{
	parse("bash < <(echo rm -rf /)");
	CHECK(!sh.unparsed);
	CHECK(sh.ncmds == 2);
	CHECK_STR(arg(0, 0), "echo");
	CHECK(sh.cmds[1].nredirs == 1 && sh.cmds[1].redirs[0].op == GUARD_REDIR_IN);
	CHECK(sh.cmds[1].redirs[0].target.flags & GUARD_WORD_SUBST);
	CHECK_STR(sh.cmds[1].redirs[0].target.text, "<(echo rm -rf /)");
}

TEST(unterminated_is_unparsed)
{
	parse("echo \"abc");
	CHECK(sh.unparsed && strstr(sh.reason, "double quote"));
	parse("echo 'abc");
	CHECK(sh.unparsed && strstr(sh.reason, "single quote"));
	parse("echo $(ls");
	CHECK(sh.unparsed);
	parse("echo `ls");
	CHECK(sh.unparsed);
	parse("(ls");
	CHECK(sh.unparsed);
	parse("ls )");
	CHECK(sh.unparsed);
	parse("case x in a) ls;;");
	CHECK(sh.unparsed && strstr(sh.reason, "esac"));
	parse("case x a) ls;; esac");
	CHECK(sh.unparsed && strstr(sh.reason, "in"));
	parse("echo ${X:-$(rm -rf /)}");
	CHECK(sh.unparsed);
}

TEST(bounds)
{
	struct guard_buf b = GUARD_BUF_INIT;
	for (int i = 0; i < 40; i++)
		guard_buf_addstr(&b, "( ");
	guard_buf_addstr(&b, "ls");
	for (int i = 0; i < 40; i++)
		guard_buf_addstr(&b, ")");
	parse(b.buf);
	CHECK(sh.unparsed && strstr(sh.reason, "nesting"));
	guard_buf_reset(&b);
	for (int i = 0; i < 40; i++)
		guard_buf_addstr(&b, "$(");
	parse(b.buf);
	CHECK(sh.unparsed);
	guard_buf_reset(&b);
	for (int i = 0; i < GUARD_SHELL_MAX_TOKENS + 10; i++)
		guard_buf_addstr(&b, "a ");
	parse(b.buf);
	CHECK(sh.unparsed && strstr(sh.reason, "tokens"));
	guard_buf_reset(&b);
	for (int i = 0; i < GUARD_SHELL_MAX_INPUT + 1; i++)
		guard_buf_addch(&b, 'x');
	parse(b.buf);
	CHECK(sh.unparsed && strstr(sh.reason, "longer"));
	guard_buf_reset(&b);
	for (int i = 0; i < GUARD_SHELL_MAX_CMDS + 5; i++)
		guard_buf_addstr(&b, "a;");
	parse(b.buf);
	CHECK(sh.unparsed && strstr(sh.reason, "commands"));
	guard_buf_release(&b);
	char nul[] = "ls\0rm";
	guard_shell_release(&sh);
	guard_shell_parse(&sh, nul, 5, &vars);
	CHECK(sh.unparsed);
}

TEST(tokens_for_explain)
{
	parse("ls -la && rm x");
	CHECK(sh.tokens.len == 5);
	CHECK_STR(sh.tokens.items[2], "&&");
}

TEST(garbage_never_crashes)
{
	static const char *const inputs[] = { "", ";;", "&&", "|", ">", "<<", "$(", "${", "`", "'", "\"",
					      "\\", "$'\\x", "{ ", "}", "((", "))", "<(", ">(", "a=$((", "$", "~",
					      "~root/x", "for", "for x in", "if", "function", "f()", "f() x", NULL };
	for (size_t i = 0; inputs[i]; i++)
		parse(inputs[i]);
	CHECK(1);
}

int
main(void)
{
	RUN(quotes_removed);
	RUN(ansi_c_quotes);
	RUN(operators_split_commands);
	RUN(subshells_and_groups_nest);
	RUN(command_substitution_is_parsed);
	RUN(variables_resolved_or_flagged);
	RUN(assignment_prefix);
	RUN(redirections);
	RUN(named_fd_redirections);
	RUN(heredoc_body_is_data);
	RUN(comments_skipped);
	RUN(brace_expansion);
	RUN(function_definition_and_fork_bomb_shape);
	RUN(control_structures);
	RUN(double_bracket_is_a_test);
	RUN(keywords_and_arithmetic_show_their_commands);
	RUN(process_substitution);
	RUN(case_statement);
	RUN(constant_substitution_folded);
	RUN(unquoted_expansion_splits);
	RUN(brace_expansion_at_command_position);
	RUN(process_substitution_as_redirection);
	RUN(unterminated_is_unparsed);
	RUN(bounds);
	RUN(tokens_for_explain);
	RUN(garbage_never_crashes);
	guard_shell_release(&sh);
	return unit_done();
}
