/*
 * bare_mhd.c - the peer of the read benchmarks (bench/reads.sh): a bare
 * libmicrohttpd server answering every request with the same bytes from
 * memory — no routing, no logging, no database, no locks of ours.  What
 * the HTTP library itself can do on this machine, so our reads are
 * reported as a ratio to it in the same run.
 *
 * It runs the library the way `urbangrid serve` does (an internal
 * polling thread pool over epoll, the same pool size), so the ratio
 * measures our work per request, not a different threading model.
 *
 *   bare_mhd FILE THREADS   serve FILE's bytes as application/json on
 *                           127.0.0.1 at a free port; prints
 *                           "listening on http://127.0.0.1:PORT/" and
 *                           runs until SIGTERM or SIGINT
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct MHD_Response *answer;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
				  const char *url, const char *method,
				  const char *version, const char *body,
				  size_t *body_size, void **state)
{
	(void)cls; (void)url; (void)method; (void)version; (void)body;
	/* The first call comes with the headers: answering then makes the
	 * library close the connection (it cannot know no body follows), so
	 * answer on the second, as every server on the library does. */
	static int seen;
	if (!*state) {
		*state = &seen;
		return MHD_YES;
	}
	*body_size = 0;
	return MHD_queue_response(c, MHD_HTTP_OK, answer);
}

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bare_mhd FILE THREADS\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static char bytes[1 << 20];
	size_t n = fread(bytes, 1, sizeof bytes, f);
	fclose(f);
	answer = MHD_create_response_from_buffer(n, bytes,
						 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(answer, "Content-Type",
				"application/json; charset=utf-8");
	struct sockaddr_in at = { .sin_family = AF_INET };
	at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL,
		on_request, NULL,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)atoi(argv[2]),
		MHD_OPTION_CONNECTION_LIMIT, 1000u,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&at,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "bare_mhd: cannot start\n");
		return 1;
	}
	const union MHD_DaemonInfo *info =
		MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("listening on http://127.0.0.1:%u/\n", info->port);
	fflush(stdout);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	while (!stop)
		pause();
	MHD_stop_daemon(d);
	MHD_destroy_response(answer);
	return 0;
}
