/*
 * ipvs_nl.h - the IPVS verbs of the health-checker child, over generic
 * netlink (family "IPVS", attributes of <linux/ip_vs.h>) with libnl-genl.
 *
 * One struct ipvs_ctx holds the request socket and the outcome of the last
 * request.  Every verb is synchronous and returns 0 or a negative errno;
 * after a failure ipvs_error() gives a one-line reason: the kernel's
 * extended-ack text when it sent one, else strerror() of the errno (for a
 * duplicate service: -EEXIST, "File exists").
 *
 * The objects are plain structs with host-order numbers, so that the
 * reload code can compare what it wants with what the kernel has:
 *
 *   struct ipvs_service  a virtual service: (protocol, address, port) or
 *                        (fwmark, family), plus scheduler and options
 *   struct ipvs_dest     a real server of a service
 *   struct ipvs_table    read-back of every service with its real servers
 *                        and counters (ipvs_dump())
 *
 * Addresses are struct ipvs_ip (family + bytes in network order).  A
 * destination may have another family than its service only with the
 * tunnel method (the kernel's rule).  Not thread-safe; one context per
 * process is enough.
 */
#ifndef KA_CHECK_IPVS_NL_H
#define KA_CHECK_IPVS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

struct nl_sock;

struct ipvs_ip {
	int family;                     /* AF_INET or AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} u;
};

/* Counters of a service or destination (64-bit kernel counters when the
 * kernel sends them, else the 32-bit ones widened). */
struct ipvs_stats {
	uint64_t conns, inpkts, outpkts, inbytes, outbytes;
	uint64_t cps, inpps, outpps, inbps, outbps;     /* rates, per second */
};

/* Scheduler flags (struct ipvs_service.flags): the kernel's bits. */
#define IPVS_SVC_PERSISTENT  IP_VS_SVC_F_PERSISTENT
#define IPVS_SVC_ONEPACKET   IP_VS_SVC_F_ONEPACKET      /* "ops" */
#define IPVS_SVC_SH_FALLBACK IP_VS_SVC_F_SCHED_SH_FALLBACK
#define IPVS_SVC_SH_PORT     IP_VS_SVC_F_SCHED_SH_PORT
/* mh uses the same two scheduler bits as sh */
#define IPVS_SVC_MH_FALLBACK IP_VS_SVC_F_SCHED1
#define IPVS_SVC_MH_PORT     IP_VS_SVC_F_SCHED2

struct ipvs_service {
	/* identity: fwmark != 0 selects a fwmark service of family af,
	 * otherwise (protocol, addr, port) */
	int af;                         /* AF_INET / AF_INET6 */
	uint16_t protocol;              /* IPPROTO_TCP / UDP / SCTP; 0 with fwmark */
	struct ipvs_ip addr;            /* family must equal af */
	uint16_t port;
	uint32_t fwmark;
	/* options */
	char sched[IP_VS_SCHEDNAME_MAXLEN];     /* "rr", "wlc"...; "" = "wlc" */
	uint32_t flags;                 /* IPVS_SVC_* */
	uint32_t timeout;               /* persistence, seconds (with PERSISTENT) */
	uint8_t netmask_plen;           /* persistence granularity as a prefix
					 * length; 0 = full (32 or 128) */
	char pe_name[IP_VS_PENAME_MAXLEN];      /* persistence engine, "" none */
	/* read-back only (ignored by add/edit) */
	uint32_t num_dests;
	struct ipvs_stats stats;
};

/* Forwarding methods (struct ipvs_dest.fwd): the kernel's values. */
enum ipvs_fwd {
	IPVS_FWD_MASQ = IP_VS_CONN_F_MASQ,      /* NAT */
	IPVS_FWD_LOCAL = IP_VS_CONN_F_LOCALNODE,
	IPVS_FWD_TUNNEL = IP_VS_CONN_F_TUNNEL,
	IPVS_FWD_ROUTE = IP_VS_CONN_F_DROUTE,   /* DR */
};

struct ipvs_dest {
	struct ipvs_ip addr;
	uint16_t port;
	enum ipvs_fwd fwd;
	int weight;                     /* 0 = no new connections */
	uint32_t u_threshold;           /* 0 = none */
	uint32_t l_threshold;
	/* tunnel method only */
	uint8_t tun_type;               /* IP_VS_CONN_F_TUNNEL_TYPE_IPIP/GUE/GRE */
	uint16_t tun_port;              /* GUE destination port */
	uint16_t tun_flags;             /* IP_VS_TUNNEL_ENCAP_FLAG_* (csum) */
	/* read-back only */
	uint32_t active_conns, inact_conns, persist_conns;
	struct ipvs_stats stats;
};

struct ipvs_table_entry {
	struct ipvs_service svc;
	struct ipvs_dest *dests;
	size_t n_dests;
};

struct ipvs_table {
	struct ipvs_table_entry *svcs;
	size_t n_svcs;
};

/* Connection timeouts in seconds; on set, 0 leaves a value unchanged. */
struct ipvs_timeouts {
	uint32_t tcp, tcp_fin, udp;
};

/* A sync daemon (connection synchronisation between directors). */
struct ipvs_sync {
	int state;                      /* IP_VS_STATE_MASTER or IP_VS_STATE_BACKUP */
	char ifname[IP_VS_IFNAME_MAXLEN];
	uint8_t syncid;
	uint16_t maxlen;                /* sync message payload; 0 = kernel default */
	uint16_t port;                  /* 0 = default 8848 */
	uint8_t ttl;                    /* 0 = default 1 */
	struct ipvs_ip group;           /* family 0 = default 224.0.0.81 */
};

struct ipvs_batch;

struct ipvs_ctx {
	struct nl_sock *sk;
	int family;                     /* generic netlink id of "IPVS" */
	int err;                        /* positive errno of the last failure */
	bool extack;                    /* errmsg is the kernel's text */
	char errmsg[256];               /* reason of the last failure, "" */
	struct ipvs_batch *batch;       /* non-NULL between batch_begin and _end */
	const void *tag;                /* caller's context, recorded with each
					 * queued request (see batches) */
};

/* Open the socket (NETLINK_EXT_ACK on) and resolve the "IPVS" family.
 * 0, or -EPROTONOSUPPORT when the kernel has no IPVS (module not loaded
 * and not loadable), or another -errno; ctx->errmsg says why and nothing
 * needs closing after a failure. */
int ipvs_open(struct ipvs_ctx *ctx);
/* Close; safe on a closed or zeroed ctx. */
void ipvs_close(struct ipvs_ctx *ctx);
/* Reason of the last failure ("" after a success). */
const char *ipvs_error(const struct ipvs_ctx *ctx);

/* IPVS version (e.g. 0x010201) and connection table size. */
int ipvs_info(struct ipvs_ctx *ctx, uint32_t *version, uint32_t *conn_tab_size);

/* Services.  add/edit send the whole service; del uses its identity. */
int ipvs_service_add(struct ipvs_ctx *ctx, const struct ipvs_service *svc);
int ipvs_service_edit(struct ipvs_ctx *ctx, const struct ipvs_service *svc);
int ipvs_service_del(struct ipvs_ctx *ctx, const struct ipvs_service *svc);
/* Remove every service and destination. */
int ipvs_flush(struct ipvs_ctx *ctx);

/* Destinations of the service identified by svc. */
int ipvs_dest_add(struct ipvs_ctx *ctx, const struct ipvs_service *svc,
		  const struct ipvs_dest *dest);
int ipvs_dest_edit(struct ipvs_ctx *ctx, const struct ipvs_service *svc,
		   const struct ipvs_dest *dest);
int ipvs_dest_del(struct ipvs_ctx *ctx, const struct ipvs_service *svc,
		  const struct ipvs_dest *dest);

/* Read every service and its destinations into *tab (which the caller
 * releases with ipvs_table_free(), also after a failure).  The order is
 * the kernel's. */
int ipvs_dump(struct ipvs_ctx *ctx, struct ipvs_table *tab);
void ipvs_table_free(struct ipvs_table *tab);

int ipvs_timeouts_get(struct ipvs_ctx *ctx, struct ipvs_timeouts *t);
int ipvs_timeouts_set(struct ipvs_ctx *ctx, const struct ipvs_timeouts *t);

/* Start a sync daemon; stop the one in the given state. */
int ipvs_sync_start(struct ipvs_ctx *ctx, const struct ipvs_sync *s);
int ipvs_sync_stop(struct ipvs_ctx *ctx, int state);
/* The running sync daemons (at most one master and one backup); *n gets
 * how many were written to out[0..max-1]. */
int ipvs_sync_get(struct ipvs_ctx *ctx, struct ipvs_sync *out, size_t max, size_t *n);

/* Batches.  Between ipvs_batch_begin() and ipvs_batch_end() the change
 * verbs (ipvs_service_add/edit/del, ipvs_dest_add/edit/del) queue their
 * request and return 0 at once; the requests go to the kernel in writes
 * of up to IPVS_BATCH_MAX messages and their answers are read together
 * (the kernel handles them in order, one after the other, as if sent one
 * by one), which saves two system calls and a wake-up per request.  The
 * requests the kernel refused are reported when the batch ends, outside
 * batch mode (the callback may send requests), each with ctx->tag as it
 * was when the request was queued.  Other verbs are not allowed during a
 * batch. */
#define IPVS_BATCH_MAX 128

struct ipvs_refusal {
	int cmd;                        /* IPVS_CMD_NEW_SERVICE, IPVS_CMD_NEW_DEST... */
	struct ipvs_service svc;
	struct ipvs_dest dest;          /* the dest verbs only */
	const void *tag;
	int err;                        /* positive errno */
	char msg[160];                  /* the kernel's text, else strerror */
};

typedef void ipvs_refused_fn(void *arg, struct ipvs_ctx *ctx, const struct ipvs_refusal *r);

/* 0, or -ENOMEM (then requests are sent one by one as usual). */
int ipvs_batch_begin(struct ipvs_ctx *ctx, ipvs_refused_fn *fn, void *arg);
/* Send what is queued, report refusals, leave batch mode.  The number of
 * refused requests, or -errno when the socket failed (when a send failed
 * its requests are reported refused with that errno; when reading the
 * answers failed, refusals may have been lost). */
int ipvs_batch_end(struct ipvs_ctx *ctx);

/* Helpers for callers and the test driver. */
/* Parse "10.0.0.1" or "2001:db8::1"; 0 or -EINVAL. */
int ipvs_ip_parse(const char *text, struct ipvs_ip *ip);
const char *ipvs_ip_format(const struct ipvs_ip *ip, char *buf, size_t len);
/* "TCP"/"UDP"/"SCTP" names; NULL for others. */
const char *ipvs_proto_name(uint16_t protocol);
/* "masq", "local", "tunnel", "route"; "?" for others. */
const char *ipvs_fwd_name(enum ipvs_fwd fwd);

#endif
