/*
 * vrrp_track_calc.c - the arithmetic of tracking (vrrp_track.h): what one
 * tracked object does to an instance, the clamp of the effective priority,
 * and a vrrp_script's rise/fall counter.  Pure functions: no state, no
 * clock, no logging.
 *
 * The rules were observed on keepalived 2.2.7: "reverse" negates the
 * contribution (weight 10 reverse: -10 while up, 0 while down; weight -10
 * reverse: +10 while down); a track_file contributes value x weight and is
 * a fault below -253; the total is clamped to [1, 254] and an owner's 255
 * never moves.  An object not reported yet has no effect.
 */
#include "config.h"

#include "vrrp_track.h"

#define PRIO_MIN 1
#define PRIO_MAX 254
#define PRIO_OWNER 255
#define FILE_FAULT_BELOW (-253)

static struct vrrp_track_effect updown(int weight, bool reverse, bool up)
{
	struct vrrp_track_effect e = { 0, false };

	if (weight == 0) {
		e.fault = reverse ? up : !up;
		return e;
	}
	if (weight > 0)
		e.delta = up ? weight : 0;
	else
		e.delta = up ? 0 : weight;
	if (reverse)
		e.delta = -e.delta;
	return e;
}

static struct vrrp_track_effect file_value(int weight, bool reverse, long value)
{
	struct vrrp_track_effect e = { 0, false };

	if (weight == 0) {
		e.fault = reverse ? value == 0 : value != 0;
		return e;
	}
	e.delta = value * weight;
	if (reverse)
		e.delta = -e.delta;
	if (e.delta < FILE_FAULT_BELOW)
		e.fault = true;
	return e;
}

struct vrrp_track_effect vrrp_track_effect_of(enum vrrp_track_kind kind, int weight,
					      bool reverse, const struct vrrp_track_status *st)
{
	struct vrrp_track_effect none = { 0, false };

	if (!st->known)
		return none;
	if (kind == VRRP_TRACK_FILE)
		return file_value(weight, reverse, st->value);
	return updown(weight, reverse, st->up);
}

uint8_t vrrp_track_effective(uint8_t base, long total)
{
	if (base == PRIO_OWNER)
		return PRIO_OWNER;
	if (total < PRIO_MIN)
		return PRIO_MIN;
	if (total > PRIO_MAX)
		return PRIO_MAX;
	return (uint8_t)total;
}

unsigned vrrp_track_script_step(unsigned result, unsigned rise, unsigned fall, bool ok,
				bool first, bool *changed)
{
	unsigned top;
	bool was_good;

	if (rise == 0)
		rise = 1;
	if (fall == 0)
		fall = 1;
	top = rise + fall - 1;
	*changed = first;
	if (first)
		return ok ? top : 0;
	was_good = result >= rise;
	if (ok) {
		if (was_good)
			return top;
		result++;
		if (result >= rise) {
			*changed = true;
			return top;
		}
		return result;
	}
	if (!was_good)
		return 0;
	result--;
	if (result < rise) {
		*changed = true;
		return 0;
	}
	return result;
}
