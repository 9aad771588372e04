/*
 * check_dump.c - print the checker's run-time state (see check_dump.h).
 * One block per virtual server, one line per real server and per checker;
 * the words are those of 2.2.7's dump where it has them ("alive",
 * "quorum_state_up", "RS set", "effective weight").
 */
#include "config.h"

#include "check_dump.h"
#include "check_kind.h"
#include "check_model.h"
#include "check_result.h"

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

static void dump_rs(FILE *out, const struct ck_rs *rs)
{
	fprintf(out, "   RS = %s, weight = %d, effective weight = %d, alive = %s, "
		"RS set = %s, num failed checkers = %u\n", rs->label, rs->weight,
		rs->set ? rs->set_weight : 0, yes_no(rs->alive), yes_no(rs->set), rs->n_failed);
	for (size_t k = 0; k < rs->n_checks; k++) {
		const struct ck_check *c = &rs->checks[k];
		char a[INET6_ADDRSTRLEN];

		fprintf(out, "     %s [%s]:%u up = %s, has run = %s, last = %s%s%s, "
			"retries = %u, delay loop = %llu us, timeout = %llu us\n", c->kind->keyword,
			ipvs_ip_format(&c->connect_ip, a, sizeof(a)), c->connect_port,
			yes_no(c->up), yes_no(c->has_run),
			c->has_run ? ck_outcome_name((enum ck_outcome)c->last) : "none",
			c->reason[0] ? ": " : "", c->reason, c->retry,
			(unsigned long long)c->delay_loop_us,
			(unsigned long long)c->connect_timeout_us);
		if (c->kind->dump)
			c->kind->dump(out, c);
	}
}

void ck_dump_state(FILE *out, const struct ck_model *m)
{
	if (!m)
		return;
	fprintf(out, "------< Health checker state >------\n");
	for (size_t i = 0; i < m->n_vs; i++) {
		const struct ck_vs *vs = &m->vs[i];

		fprintf(out, " VS %s: %zu service(s), quorum = %llu, hysteresis = %llu, "
			"alive weight = %llu, quorum_state_up = %s\n", vs->label, vs->n_svcs,
			(unsigned long long)vs->quorum, (unsigned long long)vs->hysteresis,
			(unsigned long long)check_model_alive_weight(vs), yes_no(vs->quorum_ok));
		for (size_t j = 0; j < vs->n_rs; j++)
			dump_rs(out, &vs->rs[j]);
		if (vs->sorry)
			fprintf(out, "   sorry server = %s, inhibit = %s, in use = %s, RS set = %s, "
				"effective weight = %d\n", vs->sorry->label,
				yes_no(vs->sorry->inhibit), yes_no(vs->sorry_set),
				yes_no(vs->sorry->set), vs->sorry->set ? vs->sorry->set_weight : 0);
	}
}
