/*
 * cavra hook AGENT: the pre-tool-use hook of a coding agent (Claude
 * Code, Gemini CLI, Cursor, Codex, Copilot).  It reads the agent's JSON
 * on stdin, turns the tool call into actions (a command, a git push
 * inside it, a file read or write, an MCP tool call, a network request),
 * asks POST /decisions for each, and answers in the agent's protocol:
 * the strictest decision wins.  cavra hook install AGENT prints or
 * merges the agent's hook configuration.  cavra(1) HOOKS tells the
 * mapping.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cavra.h"
#include "cv_policy.h"
#include "cli.h"

enum agent {
	AG_CLAUDE,
	AG_GEMINI,
	AG_CURSOR,
	AG_CODEX,
	AG_COPILOT,
	AG__MAX
};

/* Per agent: its names, its hook configuration and where it lives. */
static const struct {
	const char	*name;
	const char	*alias;
	const char	*conf;		/* JSON */
	const char	*path;		/* project config file */
} agents[] = {
	{ "claude-code", "claude",
	  "{\"hooks\":{\"PreToolUse\":[{\"matcher\":"
	  "\"Bash|PowerShell|Read|Glob|Grep|Write|Edit|MultiEdit|NotebookEdit"
	  "|WebFetch|WebSearch|mcp__.*\",\"hooks\":[{\"type\":\"command\","
	  "\"command\":\"cavra hook claude-code\",\"timeout\":30}]}]}}",
	  ".claude/settings.json" },
	{ "gemini", NULL,
	  "{\"hooks\":{\"BeforeTool\":[{\"matcher\":"
	  "\"run_shell_command|read_file|read_many_files|glob|grep_search"
	  "|list_directory|write_file|replace|web_fetch|google_web_search"
	  "|mcp_.*\",\"hooks\":[{\"name\":\"cavra\",\"type\":\"command\","
	  "\"command\":\"cavra hook gemini\",\"timeout\":30000}]}]}}",
	  ".gemini/settings.json" },
	{ "cursor", NULL,
	  "{\"version\":1,\"hooks\":{"
	  "\"beforeShellExecution\":[{\"command\":\"cavra hook cursor\","
	  "\"timeout\":30,\"failClosed\":true}],"
	  "\"beforeMCPExecution\":[{\"command\":\"cavra hook cursor\","
	  "\"timeout\":30,\"failClosed\":true}],"
	  "\"beforeReadFile\":[{\"command\":\"cavra hook cursor\","
	  "\"timeout\":30,\"failClosed\":true}],"
	  "\"preToolUse\":[{\"command\":\"cavra hook cursor\","
	  "\"matcher\":\"Write|Delete|WebFetch|WebSearch\",\"timeout\":30,"
	  "\"failClosed\":true}]}}",
	  ".cursor/hooks.json" },
	{ "codex", NULL,
	  "{\"hooks\":{\"PreToolUse\":[{\"matcher\":\"Bash|apply_patch|mcp__.*\","
	  "\"hooks\":[{\"type\":\"command\",\"command\":\"cavra hook codex\","
	  "\"timeout\":30}]}]}}",
	  ".codex/hooks.json" },
	{ "copilot", NULL,
	  "{\"version\":1,\"hooks\":{\"preToolUse\":[{\"type\":\"command\","
	  "\"bash\":\"cavra hook copilot\",\"timeoutSec\":30}]}}",
	  ".github/hooks/cavra.json" },
};
_Static_assert(nitems(agents) == AG__MAX, "agents[]");

/* What a tool does (tools[]). */
enum kind {
	K_SHELL,
	K_READ,
	K_WRITE,
	K_PATCH,
	K_NET,
	K_SEARCH
};

/* Tool names of every agent, and the input key that holds the command,
 * path, patch, URL or query (agent-hooks.md section 6). */
static const struct {
	const char	*name;
	enum kind	 kind;
	const char	*key;
} tools[] = {
	{ "Bash", K_SHELL, "command" },
	{ "PowerShell", K_SHELL, "command" },
	{ "Shell", K_SHELL, "command" },
	{ "bash", K_SHELL, "command" },
	{ "powershell", K_SHELL, "command" },
	{ "run_shell_command", K_SHELL, "command" },
	{ "Read", K_READ, "file_path" },
	{ "Glob", K_READ, "path" },
	{ "Grep", K_READ, "path" },
	{ "read_file", K_READ, "file_path" },
	{ "read_many_files", K_READ, "dir_path" },
	{ "glob", K_READ, "path" },
	{ "grep", K_READ, "path" },
	{ "grep_search", K_READ, "dir_path" },
	{ "list_directory", K_READ, "dir_path" },
	{ "view", K_READ, "path" },
	{ "Write", K_WRITE, "file_path" },
	{ "Edit", K_WRITE, "file_path" },
	{ "MultiEdit", K_WRITE, "file_path" },
	{ "NotebookEdit", K_WRITE, "notebook_path" },
	{ "Delete", K_WRITE, "file_path" },
	{ "write_file", K_WRITE, "file_path" },
	{ "replace", K_WRITE, "file_path" },
	{ "create", K_WRITE, "path" },
	{ "edit", K_WRITE, "path" },
	{ "str_replace_editor", K_WRITE, "path" },
	{ "apply_patch", K_PATCH, "command" },
	{ "WebFetch", K_NET, "url" },
	{ "web_fetch", K_NET, "url" },
	{ "WebSearch", K_SEARCH, "query" },
	{ "google_web_search", K_SEARCH, "query" },
	{ "web_search", K_SEARCH, "query" },
};

/* Wrappers a command may start with before the real program. */
static const char *const wrappers[] = {
	"command", "doas", "env", "exec", "nice", "nohup", "sudo", "time",
	NULL
};

/* git push options that take the next word as their value. */
static const char *const push_argopts[] = {
	"-o", "--push-option", "--repo", "--receive-pack", "--exec", NULL
};

/* One hook call. */
struct hook {
	enum agent		 ag;
	struct cv_arena		 ar;
	const char		*url;
	const char		*pack;
	const char		*session;
	const char		*cwd;		/* without trailing slashes */
	const char		*repo;
	int			 ask_ok;	/* the event honours "ask" */
	int			 read_event;	/* Cursor beforeReadFile */
	struct cv_action	 acts[CV_HOOK_ACTIONS_MAX];
	size_t			 nacts;
	const char		*bad;		/* why no decision can be
						   asked (a deny) */
	struct json_object	*owned[2];	/* inputs parsed from text,
						   put at the end */
	size_t			 nowned;
};

/* The answer. */
enum outcome {
	O_NONE,
	O_ALLOW,
	O_ASK,
	O_DENY
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: cavra hook [-u url] [-p pack] [--fail-open] agent\n"
	    "       cavra hook install [-w] agent [path]\n"
	    "\n"
	    "Reads the pre-tool-use JSON of agent (claude-code, gemini,\n"
	    "cursor, codex, copilot) on stdin, asks POST /decisions and\n"
	    "answers in the agent's hook protocol.  install prints the\n"
	    "agent's hook configuration, or merges it into path (default:\n"
	    "the agent's project config file) with -w.\n"
	    "\n"
	    "  -u, --url URL         the API (default $" CLI_URL_ENV ", else\n"
	    "                        " CLI_URL_DEFAULT ")\n"
	    "  -p, --policy-pack ID  the pack to ask for\n"
	    "      --fail-open       no decision, not a deny, when the API\n"
	    "                        cannot be reached\n"
	    "  -w, --write           install: merge into the config file\n"
	    "  -h, --help            this text\n");
}

static int
agent_of(const char *s)
{
	int	 i;

	for (i = 0; i < AG__MAX; i++)
		if (strcmp(s, agents[i].name) == 0 || (agents[i].alias !=
		    NULL && strcmp(s, agents[i].alias) == 0))
			return i;
	cli_warnx("hook: unknown agent \"%s\": expected claude-code, gemini, "
	    "cursor, codex or copilot", s);
	return -1;
}

/* Adds an action of type t on target; NULL (and h->bad) past
 * CV_HOOK_ACTIONS_MAX. */
static struct cv_action *
act_add(struct hook *h, const char *t, const char *target)
{
	struct cv_action	*a;

	if (h->nacts == nitems(h->acts)) {
		h->bad = "the tool call holds more actions than CAVRA decides "
		    "in one hook call";
		return NULL;
	}
	a = &h->acts[h->nacts++];
	memset(a, 0, sizeof(*a));
	a->action_type = t;
	a->target = target;
	return a;
}

/* Path p relative to the working directory when it lies inside it
 * ("/home/me/repo/.env" is ".env"), else p.  Lexical: no symlinks are
 * followed. */
static const char *
rel_path(struct hook *h, const char *p)
{
	size_t	 n;

	if (p == NULL || *p == '\0')
		return ".";
	if (h->cwd == NULL || p[0] != '/' || h->cwd[0] != '/')
		return p;
	n = strlen(h->cwd);
	if (strcmp(h->cwd, "/") == 0)
		return p[1] != '\0' ? p + 1 : ".";
	if (strncmp(p, h->cwd, n) != 0)
		return p;
	if (p[n] == '\0')
		return ".";
	if (p[n] != '/')
		return p;
	p += n;
	while (*p == '/')
		p++;
	return *p != '\0' ? p : ".";
}

/* dir joined with a relative p (p when absolute); arena. */
static const char *
path_join(struct hook *h, const char *dir, const char *p)
{
	if (p[0] == '/' || dir == NULL)
		return p;
	return cv_arena_printf(&h->ar, "%s/%s", dir, p);
}

/* The first line of file, without its newline, up to n-1 bytes; 0 when
 * unreadable. */
static int
first_line(const char *file, char *buf, size_t n)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(file, "r")) == NULL)
		return 0;
	ok = fgets(buf, (int)n, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\r\n")] = '\0';
	return ok;
}

/* The git directory of the repository dir lies in (dir/.git, a
 * worktree's "gitdir:" file, or a parent's); arena, or NULL. */
static const char *
git_dir(struct hook *h, const char *dir)
{
	struct stat	 st;
	char		*d, *g, *slash, line[PATH_MAX + 16];

	if (dir == NULL || dir[0] != '/')
		return NULL;
	d = cv_arena_strdup(&h->ar, dir);
	for (;;) {
		g = cv_arena_printf(&h->ar, "%s/.git", strcmp(d, "/") ? d : "");
		if (stat(g, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				return g;
			if (first_line(g, line, sizeof(line)) &&
			    strncmp(line, "gitdir: ", 8) == 0)
				return path_join(h, d,
				    cv_arena_strdup(&h->ar, line + 8));
			return NULL;
		}
		if ((slash = strrchr(d, '/')) == NULL || strcmp(d, "/") == 0)
			return NULL;
		if (slash == d)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

/* The branch checked out in dir's repository; arena, or NULL. */
static const char *
head_branch(struct hook *h, const char *dir)
{
	const char	*g;
	char		 line[512];

	if ((g = git_dir(h, dir)) == NULL || !first_line(cv_arena_printf(&h->ar,
	    "%s/HEAD", g), line, sizeof(line)) ||
	    strncmp(line, "ref: refs/heads/", 16) != 0)
		return NULL;
	return cv_arena_strdup(&h->ar, line + 16);
}

/*
 * The repository of the working directory: "owner/name" from the URL of
 * remote "origin" in its git config, else the directory's base name;
 * arena, or NULL without a working directory.
 */
static const char *
repo_of(struct hook *h)
{
	FILE		*f = NULL;
	const char	*g, *r = NULL, *base;
	char		 line[1024], *u, *e, *s;
	int		 in = 0, seps;

	if (h->cwd == NULL)
		return NULL;
	if ((g = git_dir(h, h->cwd)) != NULL)
		f = fopen(cv_arena_printf(&h->ar, "%s/config", g), "r");
	while (f != NULL && r == NULL && fgets(line, sizeof(line), f) != NULL) {
		s = line + strspn(line, " \t");
		s[strcspn(s, "\r\n")] = '\0';
		if (*s == '[') {
			in = strcmp(s, "[remote \"origin\"]") == 0;
			continue;
		}
		if (!in || strncmp(s, "url", 3) != 0)
			continue;
		s += 3 + strspn(s + 3, " \t");
		if (*s++ != '=')
			continue;
		u = s + strspn(s, " \t");
		e = u + strlen(u);
		while (e > u && (e[-1] == '/' || e[-1] == ' '))
			e--;
		if (e - u > 4 && memcmp(e - 4, ".git", 4) == 0)
			e -= 4;
		*e = '\0';
		/* The last two components, split at '/' or ':'. */
		for (s = e, seps = 0; s > u; s--)
			if ((s[-1] == '/' || s[-1] == ':') && ++seps == 2)
				break;
		if (*s != '\0' && seps == 2)
			r = cv_arena_strdup(&h->ar, s);
	}
	if (f != NULL)
		fclose(f);
	if (r != NULL)
		return r;
	base = strrchr(h->cwd, '/');
	return base != NULL && base[1] != '\0' ? base + 1 : h->cwd;
}

/* A git push of refspec ref to remote, decided as a git_operation whose
 * target the engine reads as the destination branch. */
static void
push_ref(struct hook *h, const char *remote, const char *ref,
    const char *dir)
{
	const char		*dst = ref, *c, *b;
	struct cv_action	*a;

	if (*dst == '+')
		dst++;
	if ((c = strrchr(dst, ':')) != NULL)
		dst = c[1] != '\0' ? c + 1 : cv_arena_strndup(&h->ar, dst,
		    (size_t)(c - dst));
	if ((strcmp(dst, "HEAD") == 0 || strcmp(dst, "@") == 0) &&
	    (b = head_branch(h, dir)) != NULL)
		dst = b;
	if (strncmp(dst, "refs/", 5) != 0) {
		if (remote != NULL && strpbrk(remote, "/:") == NULL)
			dst = cv_arena_printf(&h->ar, "%s/%s", remote, dst);
		else
			dst = cv_arena_printf(&h->ar, "refs/heads/%s", dst);
	}
	if ((a = act_add(h, "git_operation", dst)) != NULL)
		a->operation = "push";
}

/* Whether w is a shell assignment (NAME=value). */
static int
assignment(const char *w)
{
	size_t	 n = strspn(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789_");

	return n > 0 && w[n] == '=' && !(w[0] >= '0' && w[0] <= '9');
}

/* One simple command of words w[0..n) run in dir: each git push in it
 * becomes git_operation actions (push_ref()). */
static void
simple_command(struct hook *h, char **w, size_t n, const char *dir)
{
	const char	*remote = NULL, *b, *prog;
	size_t		 i = 0, nref = 0;
	int		 dashdash = 0;

	while (i < n) {
		if (assignment(w[i]))
			i++;
		else if (cv_strv_has(wrappers, w[i])) {
			for (i++; i < n && (w[i][0] == '-' ||
			    assignment(w[i])); i++)
				;
		} else
			break;
	}
	if (i >= n)
		return;
	prog = (prog = strrchr(w[i], '/')) != NULL ? prog + 1 : w[i];
	if (strcmp(prog, "git") != 0)
		return;
	for (i++; i < n && w[i][0] == '-'; i++)
		if (strcmp(w[i], "-C") == 0 && i + 1 < n)
			dir = path_join(h, dir, w[++i]);
		else if ((strcmp(w[i], "-c") == 0 ||
		    strcmp(w[i], "--git-dir") == 0 ||
		    strcmp(w[i], "--work-tree") == 0 ||
		    strcmp(w[i], "--namespace") == 0) && i + 1 < n)
			i++;
	if (i >= n || strcmp(w[i], "push") != 0)
		return;
	for (i++; i < n; i++) {
		if (!dashdash && w[i][0] == '-' && w[i][1] != '\0') {
			if (strcmp(w[i], "--") == 0)
				dashdash = 1;
			else if (cv_strv_has(push_argopts, w[i]))
				i++;
			continue;
		}
		if (remote == NULL) {
			remote = w[i];
			continue;
		}
		push_ref(h, remote, w[i], dir);
		nref++;
	}
	if (nref == 0)
		push_ref(h, remote != NULL ? remote : "origin",
		    (b = head_branch(h, dir)) != NULL ? b : "HEAD", dir);
}

/*
 * A shell command run in dir: decided as execute_command as a whole, and
 * each git push found in it (after &&, ||, ;, |, a newline, inside $(...),
 * `...` or parentheses, after NAME=value words, env, sudo and other
 * wrappers, and git's -C) as a git_operation too.  Quotes and
 * backslashes are honoured; nothing is expanded.
 */
static void
shell(struct hook *h, const char *cmd, const char *dir)
{
	char		*buf, *o, *w = NULL, **words;
	const char	*p;
	size_t		 nw = 0;
	int		 q = 0, end;

	if (act_add(h, "execute_command", cmd) == NULL)
		return;
	words = cv_arena_alloc(&h->ar, CV_HOOK_WORDS_MAX * sizeof(*words));
	o = buf = cv_arena_alloc(&h->ar, strlen(cmd) * 2 + 2);
	for (p = cmd;; p++) {
		end = 0;
		if (*p == '\0')
			end = 2;
		else if (q == '\'') {
			if (*p == '\'')
				q = 0;
			else
				*o++ = *p;
			continue;
		} else if (q == '"') {
			if (*p == '"')
				q = 0;
			else if (*p == '\\' && p[1] != '\0')
				*o++ = *++p;
			else
				*o++ = *p;
			continue;
		} else if (*p == '\'' || *p == '"') {
			if (w == NULL)
				w = o;
			q = *p;
			continue;
		} else if (*p == '\\') {
			if (p[1] == '\0')
				continue;
			if (w == NULL)
				w = o;
			*o++ = *++p;
			continue;
		} else if (*p == ' ' || *p == '\t')
			end = 1;
		else if (strchr(";&|\n\r()`<>", *p) != NULL)
			end = 2;
		else if (*p == '$' && p[1] == '(') {
			p++;
			end = 2;
		} else {
			if (w == NULL)
				w = o;
			*o++ = *p;
			continue;
		}
		if (w != NULL) {
			*o++ = '\0';
			if (nw == CV_HOOK_WORDS_MAX) {
				h->bad = "the command has more words than "
				    "CAVRA reads";
				return;
			}
			words[nw++] = w;
			w = NULL;
		}
		if (end == 2) {
			simple_command(h, words, nw, dir);
			nw = 0;
		}
		if (*p == '\0')
			break;
	}
}

/* The host of an http(s) URL, lower case, without user and port;
 * arena, or NULL. */
static const char *
url_host(struct hook *h, const char *u, size_t len)
{
	const char	*p, *e, *at;
	char		*r;
	size_t		 i, n;

	if ((p = strstr(u, "://")) == NULL || (size_t)(p - u) > len)
		return NULL;
	p += 3;
	n = strcspn(p, "/?#");
	if ((size_t)(p - u) + n > len)
		n = len - (size_t)(p - u);
	e = p + n;
	if ((at = memrchr(p, '@', n)) != NULL)
		p = at + 1;
	if (*p == '[')
		n = (size_t)(((at = memchr(p, ']', (size_t)(e - p))) != NULL ?
		    at + 1 : e) - p);
	else
		n = strcspn(p, ":/?#") < (size_t)(e - p) ? strcspn(p, ":/?#") :
		    (size_t)(e - p);
	if (n == 0)
		return NULL;
	r = cv_arena_strndup(&h->ar, p, n);
	for (i = 0; i < n; i++)
		if (r[i] >= 'A' && r[i] <= 'Z')
			r[i] += 'a' - 'A';
	return r;
}

/* A network request of tool to the host of url (server "unknown" when
 * there is none), decided as an mcp_tool_call of capability
 * "network". */
static void
net(struct hook *h, const char *tool, const char *host)
{
	struct cv_action	*a;

	if ((a = act_add(h, "mcp_tool_call", NULL)) == NULL)
		return;
	a->server = host != NULL ? host : "unknown";
	a->tool = tool;
	a->capability = "network";
}

/* Network requests of tool to every http(s) URL in text; one to
 * "unknown" when there is none. */
static void
net_text(struct hook *h, const char *tool, const char *text)
{
	const char	*p = text, *s;
	size_t		 n;
	int		 found = 0;

	while (p != NULL && (s = strstr(p, "http")) != NULL) {
		n = strcspn(s, " \t\r\n\"'<>()[]{}`,");
		if ((strncmp(s, "http://", 7) == 0 ||
		    strncmp(s, "https://", 8) == 0) && n > 8) {
			net(h, tool, url_host(h, s, n));
			found = 1;
		}
		p = s + (n > 0 ? n : 1);
	}
	if (!found)
		net(h, tool, NULL);
}

/* The files a Codex apply_patch touches ("*** Add File: p", Update,
 * Delete, "*** Move to: p"), each a write_file. */
static void
patch(struct hook *h, const char *text)
{
	static const char *const heads[] = {
		"*** Add File: ", "*** Update File: ", "*** Delete File: ",
		"*** Move to: "
	};
	const char	*l = text, *e;
	size_t		 i, n;

	for (; l != NULL && *l != '\0'; l = *e != '\0' ? e + 1 : NULL) {
		e = l + strcspn(l, "\n");
		for (i = 0; i < nitems(heads); i++) {
			n = strlen(heads[i]);
			if ((size_t)(e - l) > n &&
			    strncmp(l, heads[i], n) == 0) {
				act_add(h, "write_file", rel_path(h,
				    cv_arena_strndup(&h->ar, l + n,
				    (size_t)(e - l) - n -
				    (e[-1] == '\r' ? 1 : 0))));
				break;
			}
		}
	}
}

/* An MCP tool call of server and tool. */
static void
mcp(struct hook *h, const char *server, const char *tool)
{
	struct cv_action	*a;

	if ((a = act_add(h, "mcp_tool_call", NULL)) == NULL)
		return;
	a->server = server != NULL && *server != '\0' ? server : "unknown";
	a->tool = tool != NULL && *tool != '\0' ? tool : "unknown";
}

/* The string of key in o, else of one of the fallback keys. */
static const char *
str_of(struct json_object *o, const char *key)
{
	static const char *const more[] = { "file_path", "path", NULL };
	const char		*s;
	size_t			 i;

	if (cv_json_str(o, key, &s) == CV_JGET_OK)
		return s;
	for (i = 0; more[i] != NULL; i++)
		if (cv_json_str(o, more[i], &s) == CV_JGET_OK)
			return s;
	return NULL;
}

/*
 * The actions of tool `name` with input `in` (an object, or NULL) run
 * in dir; `mcpctx` is Gemini's mcp_context.  A tool none of the tables
 * name is no action.
 */
static void
tool_acts(struct hook *h, const char *name, struct json_object *in,
    const char *dir, struct json_object *mcpctx)
{
	const char	*s, *sep;
	size_t		 i;

	if (strncmp(name, "mcp__", 5) == 0) {
		s = name + 5;
		if ((sep = strstr(s, "__")) == NULL)
			mcp(h, s, NULL);
		else
			mcp(h, cv_arena_strndup(&h->ar, s, (size_t)(sep - s)),
			    sep + 2);
		return;
	}
	if (strncmp(name, "MCP:", 4) == 0) {
		mcp(h, NULL, name + 4);
		return;
	}
	if (strncmp(name, "mcp_", 4) == 0) {
		if (mcpctx != NULL) {
			mcp(h, cv_json_str_or(mcpctx, "server_name", NULL),
			    cv_json_str_or(mcpctx, "tool_name", NULL));
			return;
		}
		s = name + 4;
		if ((sep = strchr(s, '_')) == NULL)
			mcp(h, s, NULL);
		else
			mcp(h, cv_arena_strndup(&h->ar, s, (size_t)(sep - s)),
			    sep + 1);
		return;
	}
	for (i = 0; i < nitems(tools); i++)
		if (strcmp(name, tools[i].name) == 0)
			break;
	if (i == nitems(tools))
		return;
	s = in != NULL ? str_of(in, tools[i].key) : NULL;
	switch (tools[i].kind) {
	case K_SHELL:
		if (in != NULL && (sep = cv_json_str_or(in, "dir_path",
		    cv_json_str_or(in, "working_directory", NULL))) != NULL)
			dir = path_join(h, dir, sep);
		shell(h, s != NULL ? s : "", dir);
		break;
	case K_READ:
		act_add(h, "read_file", rel_path(h, s));
		break;
	case K_WRITE:
		act_add(h, "write_file", rel_path(h, s));
		break;
	case K_PATCH:
		patch(h, s != NULL ? s : "");
		break;
	case K_NET:
		if (s != NULL)
			net(h, name, url_host(h, s, strlen(s)));
		else
			net_text(h, name, in != NULL ?
			    cv_json_str_or(in, "prompt", "") : "");
		break;
	case K_SEARCH:
		net(h, name, "web-search");
		break;
	}
}

/* The MCP server Cursor names by url or command: the URL's host, else
 * the command's last word without directories. */
static const char *
cursor_server(struct hook *h, struct json_object *in)
{
	const char	*s, *e, *b;

	if ((s = cv_json_str_or(in, "url", NULL)) != NULL)
		return url_host(h, s, strlen(s));
	if ((s = cv_json_str_or(in, "command", NULL)) == NULL)
		return NULL;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (b = e; b > s && b[-1] != ' ' && b[-1] != '\t' && b[-1] != '/';
	    b--)
		;
	return cv_arena_strndup(&h->ar, b, (size_t)(e - b));
}

/* The tool input of o under key: an object, or a JSON text of one
 * (Copilot's toolArgs, Cursor's MCP tool_input); NULL otherwise. */
static struct json_object *
input_of(struct hook *h, struct json_object *o, const char *key)
{
	struct json_object	*v, *p = NULL;
	const char		*s;
	char			 err[128];

	if (cv_json_obj(o, key, &v) == CV_JGET_OK)
		return v;
	if (cv_json_str(o, key, &s) != CV_JGET_OK || cv_json_parse(s,
	    strlen(s), CV_JSON_DEPTH_MAX, &p, err, sizeof(err)) != CV_OK)
		return NULL;
	if (!json_object_is_type(p, json_type_object) ||
	    h->nowned == nitems(h->owned)) {
		json_object_put(p);
		return NULL;
	}
	h->owned[h->nowned++] = p;
	return p;
}

/* Reads the agent's input o into h: ids, working directory, actions. */
static void
parse(struct hook *h, struct json_object *o)
{
	struct json_object	*in, *roots, *ctx = NULL;
	const char		*ev, *name, *cwd = NULL, *cmd;
	char			*c;
	size_t			 n;

	h->ask_ok = h->ag != AG_CODEX;
	h->session = cv_json_str_or(o, "session_id", cv_json_str_or(o,
	    "sessionId", cv_json_str_or(o, "conversation_id", NULL)));
	cwd = cv_json_str_or(o, "cwd", NULL);
	if (cwd == NULL && cv_json_arr(o, "workspace_roots", &roots) ==
	    CV_JGET_OK && json_object_array_length(roots) > 0 &&
	    json_object_is_type(json_object_array_get_idx(roots, 0),
	    json_type_string))
		cwd = json_object_get_string(json_object_array_get_idx(roots,
		    0));
	if (cwd != NULL && *cwd != '\0') {
		c = cv_arena_strdup(&h->ar, cwd);
		n = strlen(c);
		while (n > 1 && c[n - 1] == '/')
			c[--n] = '\0';
		h->cwd = c;
	}
	h->repo = repo_of(h);
	ev = cv_json_str_or(o, "hook_event_name", "");
	if (h->ag == AG_CURSOR) {
		if (strcmp(ev, "beforeShellExecution") == 0) {
			cmd = cv_json_str_or(o, "command", "");
			shell(h, cmd, h->cwd);
			return;
		}
		if (strcmp(ev, "beforeMCPExecution") == 0) {
			mcp(h, cursor_server(h, o), cv_json_str_or(o,
			    "tool_name", NULL));
			return;
		}
		if (strcmp(ev, "beforeReadFile") == 0) {
			h->ask_ok = 0;
			h->read_event = 1;
			act_add(h, "read_file", rel_path(h, cv_json_str_or(o,
			    "file_path", NULL)));
			return;
		}
		if (strcmp(ev, "preToolUse") != 0)
			return;
		/* Cursor accepts "ask" here but does not enforce it. */
		h->ask_ok = 0;
	}
	name = cv_json_str_or(o, "tool_name", cv_json_str_or(o, "toolName",
	    NULL));
	if (name == NULL)
		return;
	if ((in = input_of(h, o, "tool_input")) == NULL)
		in = input_of(h, o, "toolArgs");
	if (cv_json_obj(o, "mcp_context", &ctx) != CV_JGET_OK)
		ctx = NULL;
	tool_acts(h, name, in, h->cwd, ctx);
}

/* How strict a decision is: block 3, require_approval 2, allow 1. */
static int
rank_of(const char *d)
{
	if (d == NULL)
		return 0;
	if (strcmp(d, "block") == 0)
		return 3;
	if (strcmp(d, "require_approval") == 0)
		return 2;
	return 1;
}

/*
 * Asks POST /decisions for every action, the strictest decision first
 * (stops at a block), within CV_HOOK_TIMEOUT_MS in all.  Sets *out and
 * *reason (arena).  Returns 0, or CLI_EXIT_UNREACHABLE when the API
 * cannot be reached (*reason says so; *out is O_DENY).
 */
static int
decide(struct hook *h, enum outcome *out, const char **reason)
{
	struct cli_answer	 a;
	struct json_object	*req, *best = NULL;
	struct timespec		 t0, t;
	const char		*dec, *detail;
	long			 left;
	size_t			 i;
	int			 rc = 0, r, rank;

	*out = O_NONE;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < h->nacts; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = CV_HOOK_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		req = cli_decision_body(&(const struct cli_asker){ h->pack,
		    h->session, agents[h->ag].name, NULL, h->repo },
		    &h->acts[i]);
		r = left > 0 ? cli_post(h->url, "/decisions",
		    json_object_to_json_string_ext(req,
		    JSON_C_TO_STRING_PLAIN), left, &a) : CLI_EXIT_UNREACHABLE;
		json_object_put(req);
		if (left <= 0)
			snprintf(a.err, sizeof(a.err), "%s: no answer within "
			    "%d ms", h->url, CV_HOOK_TIMEOUT_MS);
		if (r != 0) {
			cli_warnx("%s", a.err);
			*reason = cv_arena_printf(&h->ar, "CAVRA at %s cannot "
			    "be reached: the tool call is denied (fail closed)",
			    h->url);
			rc = r == CLI_EXIT_UNREACHABLE ? r : 0;
			if (r != CLI_EXIT_UNREACHABLE)
				*reason = cv_arena_printf(&h->ar, "CAVRA gave "
				    "no usable answer: the tool call is "
				    "denied");
			*out = O_DENY;
			cli_answer_free(&a);
			goto out;
		}
		if (a.status != 200 || a.json == NULL || cv_json_str(a.json,
		    "decision", &dec) != CV_JGET_OK || cli_exit_of(dec) < 0) {
			detail = a.json != NULL ? cv_json_str_or(a.json,
			    "detail", NULL) : NULL;
			*reason = cv_arena_printf(&h->ar, "CAVRA at %s answered "
			    "HTTP %ld%s%s: the tool call is denied", h->url,
			    a.status, detail != NULL ? ": " : "",
			    detail != NULL ? detail : "");
			*out = O_DENY;
			cli_answer_free(&a);
			goto out;
		}
		/* dec points into a.json, freed below: rank it first. */
		rank = rank_of(dec);
		if (best == NULL || rank > rank_of(cv_json_str_or(best,
		    "decision", NULL))) {
			json_object_put(best);
			best = json_object_get(a.json);
		}
		cli_answer_free(&a);
		if (rank == 3)
			break;
	}
	if (best == NULL)
		goto out;
	dec = cv_json_str_or(best, "decision", "");
	switch (rank_of(dec)) {
	case 3:
		*out = O_DENY;
		*reason = cv_arena_printf(&h->ar, "CAVRA blocked %s %s: %s "
		    "(rule %s)", cv_json_str_or(best, "action_type", ""),
		    cv_json_str_or(best, "target", ""),
		    cv_json_str_or(best, "reason", ""),
		    cv_json_str_or(best, "rule_id", ""));
		break;
	case 2:
		*out = h->ask_ok ? O_ASK : O_DENY;
		*reason = cv_arena_printf(&h->ar, "CAVRA requires approval "
		    "from %s for %s %s: %s (rule %s, decision %s)%s%s%s",
		    cv_json_str_or(best, "approver_group", "an approver"),
		    cv_json_str_or(best, "action_type", ""),
		    cv_json_str_or(best, "target", ""),
		    cv_json_str_or(best, "reason", ""),
		    cv_json_str_or(best, "rule_id", ""),
		    cv_json_str_or(best, "decision_id", ""),
		    h->ask_ok ? "" : ". Request approval of decision ",
		    h->ask_ok ? "" : cv_json_str_or(best, "decision_id", ""),
		    h->ask_ok ? "" : " (POST /approvals with its record) "
		    "and retry once it is approved");
		break;
	default:
		*out = O_ALLOW;
		*reason = cv_arena_printf(&h->ar, "CAVRA allowed %s %s "
		    "(rule %s)", cv_json_str_or(best, "action_type", ""),
		    cv_json_str_or(best, "target", ""),
		    cv_json_str_or(best, "rule_id", ""));
		break;
	}
out:
	json_object_put(best);
	return rc;
}

/* Prints outcome o with reason r in the agent's protocol; returns the
 * exit status (2 for a deny, whose reason also goes to stderr). */
static int
answer(const struct hook *h, enum outcome o, const char *r)
{
	static const char *const word[] = { NULL, "allow", "ask", "deny" };
	struct json_object	*a, *s;

	if (o == O_NONE || (o == O_ALLOW && h->ag == AG_CODEX))
		return 0;
	a = json_object_new_object();
	switch (h->ag) {
	case AG_CLAUDE:
	case AG_CODEX:
		s = json_object_new_object();
		json_object_object_add(s, "hookEventName",
		    json_object_new_string("PreToolUse"));
		json_object_object_add(s, "permissionDecision",
		    json_object_new_string(word[o]));
		json_object_object_add(s, "permissionDecisionReason",
		    json_object_new_string(r));
		json_object_object_add(a, "hookSpecificOutput", s);
		break;
	case AG_COPILOT:
		json_object_object_add(a, "permissionDecision",
		    json_object_new_string(word[o]));
		json_object_object_add(a, "permissionDecisionReason",
		    json_object_new_string(r));
		break;
	case AG_GEMINI:
		json_object_object_add(a, "decision",
		    json_object_new_string(word[o]));
		if (o != O_ALLOW)
			json_object_object_add(a, o == O_ASK ?
			    "systemMessage" : "reason",
			    json_object_new_string(r));
		break;
	case AG_CURSOR:
		json_object_object_add(a, "permission",
		    json_object_new_string(word[o]));
		if (o != O_ALLOW) {
			json_object_object_add(a, "user_message",
			    json_object_new_string(r));
			if (!h->read_event)
				json_object_object_add(a, "agent_message",
				    json_object_new_string(r));
		}
		break;
	case AG__MAX:
		break;
	}
	printf("%s\n", json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(a);
	if (o != O_DENY)
		return 0;
	fprintf(stderr, "%s\n", r);
	return 2;
}

/* Reads all of stdin into *t, up to CV_HOOK_INPUT_MAX bytes; -1 past it
 * or on a read error. */
static int
read_input(struct cv_text *t)
{
	char	 buf[8192];
	size_t	 n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
		if (t->len + n > CV_HOOK_INPUT_MAX)
			return -1;
		cv_text_add(t, buf, n);
	}
	return ferror(stdin) ? -1 : 0;
}

/* cavra hook AGENT: one hook call. */
static int
run(enum agent ag, const char *url, const char *pack, int fail_open)
{
	struct hook		 h;
	struct cv_text		 t;
	struct json_object	*o = NULL;
	const char		*reason = NULL;
	enum outcome		 out = O_NONE;
	char			 err[256];
	int			 rc;

	memset(&h, 0, sizeof(h));
	memset(&t, 0, sizeof(t));
	cv_arena_init(&h.ar);
	h.ag = ag;
	h.url = url;
	h.pack = pack;
	h.ask_ok = 1;
	if (read_input(&t) == -1)
		h.bad = "the hook input cannot be read or is too long";
	else if (cv_json_parse(t.p != NULL ? t.p : "", t.len,
	    CV_JSON_DEPTH_MAX, &o, err, sizeof(err)) != CV_OK ||
	    !json_object_is_type(o, json_type_object))
		h.bad = "the hook input is not a JSON object";
	else
		parse(&h, o);
	if (h.bad != NULL) {
		reason = cv_arena_printf(&h.ar, "CAVRA cannot decide this tool "
		    "call: %s; it is denied", h.bad);
		out = O_DENY;
	} else if (decide(&h, &out, &reason) == CLI_EXIT_UNREACHABLE &&
	    fail_open) {
		cli_warnx("hook: the API cannot be reached; no decision "
		    "(--fail-open)");
		out = O_NONE;
	}
	rc = answer(&h, out, reason);
	while (h.nowned > 0)
		json_object_put(h.owned[--h.nowned]);
	json_object_put(o);
	free(t.p);
	cv_arena_free(&h.ar);
	return rc;
}

/* Creates the parent directories of path, as mkdir -p. */
static int
mkparents(const char *path)
{
	char	 d[PATH_MAX], *s;

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d))
		return -1;
	for (s = d + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(d, 0755) == -1 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return 0;
}

/* Whether entry e of a hook list runs a cavra hook (its text holds
 * "cavra hook "). */
static int
is_ours(struct json_object *e)
{
	return strstr(json_object_to_json_string_ext(e,
	    JSON_C_TO_STRING_PLAIN), "cavra hook ") != NULL;
}

/*
 * Merges our configuration conf into the document doc: for each event
 * of conf's "hooks", the entries of doc that run a cavra hook are
 * replaced by ours, the others kept; conf's other top-level keys are
 * added when doc lacks them.  CV_EINVAL with a sentence in err when a
 * "hooks" or an event's value is of the wrong type.
 */
static enum cv_err
merge(struct json_object *doc, struct json_object *conf, char *err,
    size_t errlen)
{
	struct json_object	*dh, *ch, *list, *keep;
	size_t			 i, n;

	json_object_object_foreach(conf, k, v) {
		if (strcmp(k, "hooks") != 0 &&
		    !json_object_object_get_ex(doc, k, NULL))
			json_object_object_add(doc, k, json_object_get(v));
	}
	json_object_object_get_ex(conf, "hooks", &ch);
	if (!json_object_object_get_ex(doc, "hooks", &dh) || dh == NULL) {
		dh = json_object_new_object();
		json_object_object_add(doc, "hooks", dh);
	}
	if (!json_object_is_type(dh, json_type_object)) {
		snprintf(err, errlen, "its \"hooks\" is not an object");
		return CV_EINVAL;
	}
	json_object_object_foreach(ch, ev, ours) {
		keep = json_object_new_array();
		if (json_object_object_get_ex(dh, ev, &list) && list != NULL) {
			if (!json_object_is_type(list, json_type_array)) {
				json_object_put(keep);
				snprintf(err, errlen, "its \"hooks\".\"%s\" is "
				    "not a list", ev);
				return CV_EINVAL;
			}
			n = json_object_array_length(list);
			for (i = 0; i < n; i++)
				if (!is_ours(json_object_array_get_idx(
				    list, i)))
					json_object_array_add(keep,
					    json_object_get(
					    json_object_array_get_idx(list, i)));
		}
		n = json_object_array_length(ours);
		for (i = 0; i < n; i++)
			json_object_array_add(keep, json_object_get(
			    json_object_array_get_idx(ours, i)));
		json_object_object_add(dh, ev, keep);
	}
	return CV_OK;
}

/* Reads path (a missing file is an empty object) into *doc; CLI_EXIT_*
 * with a line on stderr when it cannot be read or does not parse. */
static int
conf_read(const char *path, struct json_object **doc)
{
	FILE		*f;
	struct cv_text	 t;
	char		 buf[8192], err[256];
	size_t		 n;
	int		 rc = CLI_EXIT_ERROR;

	memset(&t, 0, sizeof(t));
	*doc = NULL;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno != ENOENT) {
			cli_warnx("hook install: %s: %s", path,
			    strerror(errno));
			return CLI_EXIT_ERROR;
		}
		*doc = json_object_new_object();
		return 0;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (t.len + n > CV_HOOK_CONF_MAX) {
			cli_warnx("hook install: %s: longer than %d bytes; not "
			    "changed", path, CV_HOOK_CONF_MAX);
			goto out;
		}
		cv_text_add(&t, buf, n);
	}
	if (ferror(f)) {
		cli_warnx("hook install: %s: cannot read it", path);
		goto out;
	}
	if (t.len == 0 || strspn(t.p, " \t\r\n") == t.len) {
		*doc = json_object_new_object();
		rc = 0;
		goto out;
	}
	if (cv_json_parse(t.p != NULL ? t.p : "", t.len, CV_JSON_DEPTH_MAX,
	    doc, err, sizeof(err)) != CV_OK || !json_object_is_type(*doc,
	    json_type_object)) {
		json_object_put(*doc);
		*doc = NULL;
		cli_warnx("hook install: %s is not a JSON object; not changed",
		    path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	free(t.p);
	return rc;
}

/* cavra hook install: prints agent ag's configuration, or merges it into
 * path when write is set. */
static int
install(enum agent ag, int write, const char *path)
{
	struct json_object	*conf, *doc = NULL;
	FILE			*f = NULL;
	const char		*text;
	char			 tmp[PATH_MAX], err[256];
	int			 rc = CLI_EXIT_ERROR;

	conf = json_tokener_parse(agents[ag].conf);
	if (!write) {
		printf("%s\n", json_object_to_json_string_ext(conf,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		rc = 0;
		goto out;
	}
	if (path == NULL)
		path = agents[ag].path;
	if ((rc = conf_read(path, &doc)) != 0)
		goto out;
	rc = CLI_EXIT_ERROR;
	if (merge(doc, conf, err, sizeof(err)) != CV_OK) {
		cli_warnx("hook install: %s: %s; not changed", path, err);
		goto out;
	}
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	if (snprintf(tmp, sizeof(tmp), "%s.cavra-tmp", path) >=
	    (int)sizeof(tmp) || mkparents(path) == -1 ||
	    (f = fopen(tmp, "w")) == NULL) {
		cli_warnx("hook install: %s: cannot write it", path);
		goto out;
	}
	if (fprintf(f, "%s\n", text) < 0 || fflush(f) == EOF ||
	    fsync(fileno(f)) == -1) {
		cli_warnx("hook install: %s: cannot write it", tmp);
		fclose(f);
		unlink(tmp);
		goto out;
	}
	fclose(f);
	if (rename(tmp, path) == -1) {
		cli_warnx("hook install: %s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	printf("%s\n", path);
	rc = 0;
out:
	json_object_put(doc);
	json_object_put(conf);
	return rc;
}

int
cli_hook(int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "url", required_argument, NULL, 'u' },
		{ "policy-pack", required_argument, NULL, 'p' },
		{ "fail-open", no_argument, NULL, 'F' },
		{ "write", no_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	const char			*url = NULL, *pack = NULL;
	int				 ch, ag, fail_open = 0, write = 0;
	int				 inst = 0;

	optind = 1;
	if (argc > 1 && strcmp(argv[1], "install") == 0) {
		inst = 1;
		argc--;
		argv++;
	}
	while ((ch = getopt_long(argc, argv, "hu:p:w", opts, NULL)) != -1)
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'u':
			url = optarg;
			break;
		case 'p':
			pack = optarg;
			break;
		case 'F':
			fail_open = 1;
			break;
		case 'w':
			write = 1;
			break;
		default:
			usage(stderr);
			return CLI_EXIT_USAGE;
		}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > (inst && write ? 2 : 1) ||
	    (inst && (url != NULL || pack != NULL || fail_open)) ||
	    (!inst && write)) {
		cli_warnx(argc < 1 ? "hook: no agent" :
		    "hook: bad arguments");
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if ((ag = agent_of(argv[0])) < 0)
		return CLI_EXIT_USAGE;
	if (inst)
		return install(ag, write, argc == 2 ? argv[1] : NULL);
	if (url == NULL && (url = cv_env(CLI_URL_ENV)) == NULL)
		url = CLI_URL_DEFAULT;
	return run(ag, url, pack, fail_open);
}
