/*
 * vrrp_track_dump.c - tracking in the data (SIGUSR1) and JSON dumps
 * (vrrp_track.h).
 *
 * The data dump lists the tracked objects as 2.2.7 does ("Tracked
 * interfaces :", "eth1 weight -10", "Tracked files :", "tf, weight 5")
 * and its "Total priority" (before the clamp), then what 2.2.7 does not
 * show: every contributor's status and how much it moves the priority,
 * and how many tracked objects hold the instance in FAULT.  The JSON dump
 * has 2.2.7's "track_ifp" (interface names) and "track_script" (quoted
 * commands), then the same contributors as objects.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vrrp_instance.h"
#include "vrrp_track_int.h"

static const struct track_inst *find(const struct vrrp_inst *in)
{
	for (size_t i = 0; i < trk.ninsts; i++)
		if (trk.insts[i].in == in)
			return &trk.insts[i];
	return NULL;
}

static const char *const kind_title[VRRP_TRACK_KINDS] = {
	[VRRP_TRACK_IF] = "Tracked interfaces",
	[VRRP_TRACK_SCRIPT] = "Tracked scripts",
	[VRRP_TRACK_FILE] = "Tracked files",
	[VRRP_TRACK_PROC] = "Tracked processes",
};

static const char *const kind_word[VRRP_TRACK_KINDS] = {
	[VRRP_TRACK_IF] = "interface",
	[VRRP_TRACK_SCRIPT] = "script",
	[VRRP_TRACK_FILE] = "file",
	[VRRP_TRACK_PROC] = "process",
};

/* The object's status in words ("up", "GOOD", "value 3", "2 running"). */
static void status_text(const struct track_obj *o, char *buf, size_t size)
{
	if (!o->st.known) {
		snprintf(buf, size, "not known yet");
		return;
	}
	switch (o->cfg->kind) {
	case VRRP_TRACK_IF:
		snprintf(buf, size, "%s", o->st.up ? "up" : "down");
		break;
	case VRRP_TRACK_SCRIPT:
		snprintf(buf, size, "%s", track_script_status(o));
		break;
	case VRRP_TRACK_FILE:
		snprintf(buf, size, "value %ld", o->st.value);
		break;
	default:
		snprintf(buf, size, "%u running, quorum %s", o->count, o->st.up ? "up" : "down");
		break;
	}
}

static void list_kind(FILE *out, const struct track_inst *ti, enum vrrp_track_kind k)
{
	bool title = false;

	for (size_t i = 0; i < ti->tm->nrefs; i++) {
		const struct vrrp_track_ref *r = &ti->tm->refs[i];
		const struct track_obj *o = &trk.objs[r->obj];

		if (o->cfg->kind != k)
			continue;
		if (!title)
			fprintf(out, "   %s :\n", kind_title[k]);
		title = true;
		fprintf(out, "     %s%s weight %d%s\n", o->cfg->name,
			k == VRRP_TRACK_FILE || k == VRRP_TRACK_PROC ? "," : "", r->weight,
			r->reverse ? " reverse" : "");
	}
}

void vrrp_track_dump_inst(FILE *out, const struct vrrp_inst *in)
{
	const struct track_inst *ti = find(in);
	char st[64];

	if (!ti)
		return;
	fprintf(out, "   Total priority = %ld\n", ti->total);
	for (int k = 0; k < VRRP_TRACK_KINDS; k++)
		list_kind(out, ti, (enum vrrp_track_kind)k);
	fprintf(out, "   Tracking contributions (base %u, effective %u):\n", in->m->base_prio,
		in->fsm.priority);
	for (size_t i = 0; i < ti->tm->nrefs; i++) {
		const struct vrrp_track_ref *r = &ti->tm->refs[i];
		const struct track_obj *o = &trk.objs[r->obj];
		struct vrrp_track_effect e = vrrp_track_effect_of(o->cfg->kind, r->weight,
								  r->reverse, &o->st);

		status_text(o, st, sizeof(st));
		fprintf(out, "     %s %s: %s, %s%+ld\n", kind_word[o->cfg->kind], o->cfg->name, st,
			e.fault ? "FAULT, " : "", e.delta);
	}
	fprintf(out, "   Tracking faults = %u\n", ti->faults);
}

static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '/')
			fputc('\\', out);
		if ((unsigned char)*s < 0x20)
			fprintf(out, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* 2.2.7's arrays, present only when not empty: interface names, and the
 * scripts' commands in quotes. */
static void json_legacy(FILE *out, const struct track_inst *ti, enum vrrp_track_kind k,
			const char *key)
{
	bool first = true;

	for (size_t i = 0; i < ti->tm->nrefs; i++) {
		const struct track_obj *o = &trk.objs[ti->tm->refs[i].obj];
		char quoted[1024];

		if (o->cfg->kind != k)
			continue;
		if (first)
			fprintf(out, ",\"%s\":[", key);
		else
			fputc(',', out);
		first = false;
		if (k == VRRP_TRACK_SCRIPT) {
			snprintf(quoted, sizeof(quoted), "'%s'", o->cfg->u.script.cmd);
			json_str(out, quoted);
		} else {
			json_str(out, o->cfg->name);
		}
	}
	if (!first)
		fputc(']', out);
}

void vrrp_track_json_inst(FILE *out, const struct vrrp_inst *in)
{
	const struct track_inst *ti = find(in);
	char st[64];

	if (!ti)
		return;
	json_legacy(out, ti, VRRP_TRACK_IF, "track_ifp");
	json_legacy(out, ti, VRRP_TRACK_SCRIPT, "track_script");
	fprintf(out, ",\"total_priority\":%ld,\"track_faults\":%u,\"tracking\":[", ti->total,
		ti->faults);
	for (size_t i = 0; i < ti->tm->nrefs; i++) {
		const struct vrrp_track_ref *r = &ti->tm->refs[i];
		const struct track_obj *o = &trk.objs[r->obj];
		struct vrrp_track_effect e = vrrp_track_effect_of(o->cfg->kind, r->weight,
								  r->reverse, &o->st);

		status_text(o, st, sizeof(st));
		fprintf(out, "%s{\"type\":\"%s\",\"name\":", i ? "," : "", kind_word[o->cfg->kind]);
		json_str(out, o->cfg->name);
		fprintf(out, ",\"weight\":%d,\"reverse\":%s,\"status\":", r->weight,
			r->reverse ? "true" : "false");
		json_str(out, st);
		fprintf(out, ",\"delta\":%ld,\"fault\":%s}", e.delta, e.fault ? "true" : "false");
	}
	fputc(']', out);
}
