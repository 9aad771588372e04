/*
 * smtp_alert.h - smtp_alert: mail the notification_email addresses of
 * global_defs about state changes (VRRP instances and sync groups, real
 * servers, virtual server quorum).
 *
 * Each child calls smtp_alert_init() once with the configuration tree and
 * its event base; it reads global_defs (smtp_server [port], smtp_helo_name,
 * smtp_connect_timeout, notification_email, notification_email_from,
 * router_id, smtp_alert, smtp_alert_vrrp, smtp_alert_checker,
 * no_email_faults) and, for
 * VRRP, which vrrp_instance and vrrp_sync_group blocks want alerts.
 * Without smtp_server or without any notification_email nothing is sent.
 * Mails go through the asynchronous client (smtp_client.h); the text is
 * 2.2.7's (observed): subject "[<router_id>] <what>", body "=> ... <=".
 */
#ifndef KA_SMTP_ALERT_H
#define KA_SMTP_ALERT_H

#include <stdbool.h>

struct conf;
struct conf_node;
struct event_base;

enum smtp_alert_scope {
	SMTP_ALERT_VRRP,                 /* global default smtp_alert_vrrp */
	SMTP_ALERT_CHECKER,              /* global default smtp_alert_checker */
};

/* Read the settings from conf and create the client on base.  Returns
 * true when alerts can be sent.  Calling it again replaces the old state.
 * Nothing of conf is kept: it may be freed afterwards. */
bool smtp_alert_init(const struct conf *conf, struct event_base *base);
/* Drop queued mails and free everything (child stop). */
void smtp_alert_close(void);
/* Alerts can be sent (init succeeded with a server and recipients). */
bool smtp_alert_enabled(void);

/* Does the block `blk` (vrrp_instance, vrrp_sync_group, virtual_server,
 * real_server) want alerts: its own smtp_alert, else the global
 * smtp_alert_vrrp / smtp_alert_checker, else smtp_alert, else dflt. */
bool smtp_alert_wanted(const struct conf_node *blk, enum smtp_alert_scope scope, bool dflt);

/* Queue one mail "[router_id] <subject>" with body to every recipient
 * (nothing when alerts are not enabled). */
void smtp_alert_send(const char *subject, const char *body);

/* A VRRP instance entered `state` ("MASTER", "BACKUP", "FAULT" unless
 * no_email_faults; others are ignored): mail it when the instance wants
 * alerts. */
void smtp_alert_vrrp_instance(const char *instance, const char *state);
/* A sync group entered `state`: mail it when the group wants alerts. */
void smtp_alert_vrrp_group(const char *group, const char *state);

/* Client statistics (tests): mails sent, failed, pending. */
unsigned long smtp_alert_sent(void);
unsigned long smtp_alert_failed(void);

#endif
