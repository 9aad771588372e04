/*
 * smtp_client.h - send mail through one SMTP server, asynchronously, on
 * a libevent base (the alert client shared by the VRRP and checker
 * children).
 *
 * Mails are queued; up to SMTP_CLIENT_PARALLEL dialogues run at once,
 * each on its own connection: greeting, HELO, MAIL FROM, one RCPT TO per
 * recipient, DATA, the payload, QUIT.  Every wait (connect and each
 * reply) is bounded by the server's timeout.  Log lines are 2.2.7's:
 * "Remote SMTP server [127.0.0.1]:25 connected.", "SMTP alert
 * successfully sent.", "Timeout reading data to remote SMTP server ...",
 * "Error processing HELO cmd on SMTP server ... SMTP status code = 501".
 * A failed mail is logged and dropped (no resend), as 2.2.7 does.
 */
#ifndef KA_SMTP_CLIENT_H
#define KA_SMTP_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct event_base;

#define SMTP_CLIENT_PARALLEL 4       /* dialogues at once */
#define SMTP_CLIENT_QUEUE_MAX 128    /* mails waiting; more are dropped (logged) */

struct smtp_server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char label[64];                  /* "[127.0.0.1]:25", for logs */
	char helo[256];                  /* HELO argument */
	uint64_t timeout_us;             /* connect and each reply */
};

struct smtp_client;

/* A client of `srv` (copied) on `base`; NULL when out of memory. */
struct smtp_client *smtp_client_new(struct event_base *base, const struct smtp_server *srv);
/* Abandon queued and running mails, close connections, free. NULL is fine. */
void smtp_client_free(struct smtp_client *cl);

/* Queue one mail: envelope sender, recipients (copied), and the DATA
 * payload made by smtp_message_build(), which the client owns from now
 * on (freed even when this fails).  Returns 0, or -1 when the queue is
 * full or memory is short (logged). */
int smtp_client_send(struct smtp_client *cl, const char *from, const char *const *to,
		     size_t nto, char *data);

/* Mails queued or in a dialogue (tests). */
size_t smtp_client_pending(const struct smtp_client *cl);

/* Statistics (tests, dumps): mails accepted by the server, mails failed. */
unsigned long smtp_client_sent(const struct smtp_client *cl);
unsigned long smtp_client_failed(const struct smtp_client *cl);

#endif
