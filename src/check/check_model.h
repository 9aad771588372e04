/*
 * check_model.h - the health checker's typed view of the LVS configuration.
 *
 * check_model_build() walks the parsed tree once (virtual_server,
 * virtual_server_group, real_server, TCP_CHECK) and produces plain structs
 * with every default and inherited value resolved, so that the rest of the
 * checker never looks at the tree again:
 *
 *   struct ck_model  every virtual server, in file order
 *   struct ck_vs     one virtual_server: its kernel services (several for a
 *                    virtual_server_group: one per address of each range and
 *                    one per fwmark), scheduler options, quorum, sorry server
 *   struct ck_rs     one real_server (or the sorry server) of a ck_vs
 *   struct ck_check  one health check of a real server (TCP_CHECK, HTTP_GET,
 *                    ...): the options every kind shares, resolved here, and
 *                    the kind's own options (spec) read by the kind's build
 *                    hook (check_kind.h)
 *
 * Values inherit checker <- real_server <- virtual_server <- default
 * (alpha, retry, connect_timeout, delay_before_retry, warmup, delay_loop,
 * inhibit_on_failure), as keepalived.conf(5) describes.  A virtual server
 * without "protocol" is UDP, as 2.2.7 does (it logs that it defaults); one
 * without real servers is left out, as 2.2.7 does; a real or sorry server
 * without a port takes the virtual server's; quorum and hysteresis are
 * clamped to the total weight as 2.2.7 does (kw_check_lvs.c warns).
 *
 * The structs also carry the run-time state that check_result.c and
 * check_ipvs.c own (marked "run time"); the builder zeroes it.
 */
#ifndef KA_CHECK_MODEL_H
#define KA_CHECK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipvs_nl.h"

struct conf;
struct ck_rs;
struct ck_kind;
struct event;
struct event_base;

#define CK_LABEL_MAX 80          /* "[ffff:...:ffff]:sctp:65535" and group names */
#define CK_REASON_MAX 160        /* why the last attempt failed, for logs and dumps */

/* One health check of a real server. */
struct ck_check {
	struct ck_rs *rs;
	const struct ck_kind *kind;      /* TCP_CHECK, HTTP_GET, ... (check_kind.h) */
	void *spec;                      /* the kind's own options (kind->build) */
	struct ipvs_ip connect_ip;       /* the real server's address unless connect_ip */
	uint16_t connect_port;           /* the real server's port unless connect_port */
	struct ipvs_ip bindto;           /* family 0: none */
	uint16_t bind_port;              /* 0: none */
	char bind_if[16];                /* SO_BINDTODEVICE; "" none */
	uint32_t fwmark;                 /* SO_MARK of the check's socket; 0 none */
	uint64_t connect_timeout_us;     /* default 5 s */
	uint64_t delay_loop_us;          /* default 60 s */
	uint64_t delay_before_retry_us;  /* default 1 s */
	uint64_t warmup_us;              /* default delay_loop; 0 = first check at once */
	unsigned retry;                  /* default 1 (nb_get_retry for HTTP/SSL) */
	bool alpha;                      /* start as failed */
	bool log_all_failures;           /* log_all_failures / checker_log_all_failures */
	/* run time (check_result.c) */
	bool up;                         /* last verdict */
	bool has_run;                    /* a verdict was given */
	unsigned retries_done;           /* consecutive failures being retried */
	int last;                        /* enum ck_outcome of the last attempt (dump) */
	char reason[CK_REASON_MAX];      /* why the last attempt failed ("" success) */
	/* run time (check_sched.c) */
	struct event_base *base;
	struct event *timer;             /* next attempt */
	bool in_flight;                  /* an attempt awaits ck_check_done() */
	void *run;                       /* the kind's attempt state (sockets...) */
};

/* Forwarding method of a real or sorry server. */
struct ck_fwd {
	enum ipvs_fwd fwd;               /* NAT (masq) by default */
	uint8_t tun_type;                /* IP_VS_CONN_F_TUNNEL_TYPE_* */
	uint16_t tun_port;
	uint16_t tun_flags;
};

struct ck_rs {
	struct ck_vs *vs;
	struct ipvs_ip addr;
	uint16_t port;                   /* 0 for a fwmark service */
	bool port_from_vs;               /* no port written: each service's port */
	int weight;                      /* default 1 */
	bool inhibit;                    /* inhibit_on_failure: weight 0 instead of removal */
	struct ck_fwd fwd;
	uint32_t u_threshold, l_threshold;
	const char *notify_up, *notify_down;     /* NULL: none */
	struct ck_check *checks;
	size_t n_checks;
	char label[CK_LABEL_MAX];        /* "[10.9.0.2]:tcp:80" */
	/* run time */
	unsigned n_failed;               /* checkers currently failed */
	bool alive;                      /* n_failed == 0 */
	bool set;                        /* destination present in the kernel */
	int set_weight;                  /* its weight there */
};

struct ck_vs {
	struct ipvs_service *svcs;       /* kernel services (template + identity) */
	size_t n_svcs;
	bool is_fwmark;                  /* "virtual_server fwmark N" (or a group of only fwmarks) */
	struct ck_fwd fwd;               /* default method of its real servers */
	uint64_t quorum, hysteresis;     /* defaults 1 and 0; clamped (see above) */
	const char *quorum_up, *quorum_down;
	struct ck_rs *sorry;             /* NULL: none */
	bool omega, ha_suspend;
	struct ck_rs *rs;
	size_t n_rs;
	char label[CK_LABEL_MAX];        /* "[10.0.0.1]:tcp:80", "FWM 7", "[G1]:0" */
	const char *proto_name;          /* "tcp", "udp", "sctp"; "none" for fwmark */
	bool proto_defaulted;            /* no "protocol": UDP, as 2.2.7 */
	/* run time */
	bool quorum_ok;                  /* starts false: startup "gains" it */
	bool sorry_set;
};

struct ck_model {
	struct ck_vs *vs;
	size_t n_vs;
	bool lvs_flush;                  /* global_defs lvs_flush */
	enum { CK_FLUSH_STOP_NO, CK_FLUSH_STOP_ALL, CK_FLUSH_STOP_VS }
		flush_on_stop;               /* lvs_flush_on_stop [VS] */
	struct ipvs_timeouts timeouts;   /* lvs_timeouts; 0 = leave */
};

/* Build the model of `conf`.  Returns NULL only when out of memory (the
 * tree was checked by the reader: what it dropped is simply absent). */
struct ck_model *check_model_build(const struct conf *conf);
/* The same, calling built() with each virtual server as soon as it is
 * complete (in model order), while the rest is still being built: a
 * reload starts its slow kernel requests there (check_reload.h). */
typedef void ck_vs_built_fn(void *arg, const struct ck_vs *vs);
struct ck_model *check_model_build_each(const struct conf *conf, ck_vs_built_fn *built,
				       void *arg);
void check_model_free(struct ck_model *m);

/* Sum of the weights of the alive real servers of vs. */
uint64_t check_model_alive_weight(const struct ck_vs *vs);

/* Expand one virtual_server_group address entry ("10.0.1.1-3",
 * "10.0.0.250-10.0.1.3", "10.0.2.0/30", IPv6 alike) into out[0..max-1];
 * returns how many addresses it names (may exceed max), or -1 when the
 * word is malformed.  Pure, for unit tests. */
long check_model_expand_range(const char *word, struct ipvs_ip *out, size_t max);

/* Prefix length of a persistence_granularity word ("255.255.255.0" or
 * "64"; family AF_INET allows up to 32, anything else up to 128); -1 when
 * malformed. */
int check_model_mask_plen(const char *word, int family);

#endif
