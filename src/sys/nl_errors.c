/*
 * nl_errors.c - the extended ack's text and libnl's error codes as errno
 * (see nl_errors.h).  The ack attributes follow the echoed request, or only
 * its header when the kernel capped the echo (NLM_F_CAPPED).
 */
#include <errno.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>

#include "nl_errors.h"

bool nl_extack_text(const struct nlmsgerr *e, char *buf, size_t size)
{
	const char *base = (const char *)e - NLMSG_HDRLEN;
	const struct nlmsghdr *h = (const struct nlmsghdr *)base;
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (size == 0 || !(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return false;
	if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return false;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	for (off = NLMSG_ALIGN(off); off + NLA_HDRLEN <= h->nlmsg_len;) {
		const struct nlattr *a = (const struct nlattr *)(base + off);
		size_t n;

		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > h->nlmsg_len)
			return false;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && a->nla_len > NLA_HDRLEN) {
			n = strnlen(base + off + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
			if (n >= size)
				n = size - 1;
			memcpy(buf, base + off + NLA_HDRLEN, n);
			buf[n] = '\0';
			return n > 0;
		}
		off += NLA_ALIGN(a->nla_len);
	}
	return false;
}

int nl_errno_of_nlerr(int nlret)
{
	switch (-nlret) {
	case NLE_NOMEM:         return ENOMEM;
	case NLE_INVAL:         return EINVAL;
	case NLE_RANGE:         return ERANGE;
	case NLE_MSGSIZE:       return EMSGSIZE;
	case NLE_EXIST:         return EEXIST;
	case NLE_OBJ_NOTFOUND:  return ENOENT;
	case NLE_NODEV:         return ENODEV;
	case NLE_PERM:          return EPERM;
	case NLE_AGAIN:         return EAGAIN;
	case NLE_OPNOTSUPP:     return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:  return EAFNOSUPPORT;
	case NLE_MISSING_ATTR:  return EINVAL;
	default:                return EIO;
	}
}
