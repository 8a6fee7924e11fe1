/*
 * The response object and its one serialisation as CGI output.  Nothing
 * else in the suite writes response bytes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "cv_http.h"
#include "cv_util.h"

void
cv_resp_json(struct cv_resp *resp, int status, struct json_object *o)
{
	json_object_put(resp->json);
	resp->json = o;
	resp->status = status;
	resp->body = NULL;
	resp->bodylen = 0;
	resp->ctype = "application/json";
}

void
cv_resp_bytes(struct cv_resp *resp, int status, const char *ctype,
    const char *body, size_t len)
{
	json_object_put(resp->json);
	resp->json = NULL;
	resp->status = status;
	resp->ctype = ctype;
	resp->body = body;
	resp->bodylen = len;
}

/*
 * Adds a response header.  Headers past CV_RESP_HEADERS_MAX are a
 * programming error and are dropped with a log line.
 */
void
cv_resp_header(struct cv_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == CV_RESP_HEADERS_MAX) {
		cv_log("response header %s dropped: too many headers", name);
		return;
	}
	resp->headers[resp->nheaders].name = name;
	resp->headers[resp->nheaders].value = value;
	resp->nheaders++;
}

/* Whether s is a non-empty RFC 9110 token (a header name). */
static int
is_token(const char *s)
{
	static const char	 tchars[] = "!#$%&'*+-.^_`|~0123456789"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	size_t			 n;

	n = strspn(s, tchars);
	return n > 0 && s[n] == '\0';
}

/*
 * Whether a response header may be sent: its name a token, its value
 * without CR or LF (a C string holds no NUL), so that no value can end
 * the header block or add a header of its own.  One that may not is
 * logged (by name when the name is a token, never with its bytes).
 */
static int
header_ok(const struct cv_req *req, const char *name, const char *value)
{
	if (is_token(name) && strpbrk(value, "\r\n") == NULL)
		return 1;
	cv_log("%s: response header %s dropped: CR or LF in its name or "
	    "value", req != NULL && req->path != NULL ? req->path : "-",
	    is_token(name) ? name : "(not a token)");
	return 0;
}

/*
 * Renders resp as CGI output into the arena: Status line, content type
 * and length, security headers, extra headers, blank line, body (left out
 * for HEAD).  Sets *len.  A JSON body is serialised here, once.  A header
 * (content type included) whose name or value holds CR or LF is left out
 * with a log line: the rest of the response is sent.
 */
char *
cv_resp_render(struct cv_arena *a, const struct cv_req *req,
    struct cv_resp *resp, size_t *len)
{
	const char	*body = resp->body;
	size_t		 blen = resp->bodylen, hlen, i, cap;
	char		*out, *p;
	int		 n;

	if (resp->status == 0)
		resp->status = 200;
	if (resp->json != NULL) {
		body = json_object_to_json_string_length(resp->json,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
		    &blen);
	}
	if (body == NULL)
		blen = 0;
	cap = 512 + (resp->ctype != NULL ? strlen(resp->ctype) : 0);
	for (i = 0; i < resp->nheaders; i++)
		cap += strlen(resp->headers[i].name) +
		    strlen(resp->headers[i].value) + 4;
	out = cv_arena_alloc(a, cap + blen + 1);
	n = snprintf(out, cap, "Status: %d %s\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Cache-Control: no-store\r\n", resp->status,
	    cv_status_reason(resp->status));
	hlen = (size_t)n;
	if (resp->ctype != NULL && !header_ok(req, "Content-Type",
	    resp->ctype))
		resp->ctype = NULL;
	if (resp->ctype != NULL && (body != NULL || resp->json != NULL)) {
		n = snprintf(out + hlen, cap - hlen, "Content-Type: %s\r\n",
		    resp->ctype);
		hlen += (size_t)n;
	}
	n = snprintf(out + hlen, cap - hlen, "Content-Length: %zu\r\n", blen);
	hlen += (size_t)n;
	for (i = 0; i < resp->nheaders; i++) {
		if (!header_ok(req, resp->headers[i].name,
		    resp->headers[i].value))
			continue;
		n = snprintf(out + hlen, cap - hlen, "%s: %s\r\n",
		    resp->headers[i].name, resp->headers[i].value);
		hlen += (size_t)n;
	}
	memcpy(out + hlen, "\r\n", 2);
	hlen += 2;
	p = out + hlen;
	if (req == NULL || req->method != CV_HEAD) {
		if (blen > 0)
			memcpy(p, body, blen);
		hlen += blen;
	}
	out[hlen] = '\0';
	*len = hlen;
	return out;
}
