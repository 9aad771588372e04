/*
 * main.c - keepalived's entry point: the command line, the one-shot modes
 * (-h, -v, --signum, -t) and the start of the parent process.
 *
 * Start-up order: parse options -> one-shot modes -> logging -> refuse if
 * another instance owns our pid files -> load the configuration once ->
 * daemonize (unless -n) -> pid file -> parent_run() until stopped.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "core.h"
#include "log.h"
#include "pidfile.h"
#include "proc.h"
#include "version.h"
#include "genhash_find.h"

static int print_signum(const char *name)
{
	int sig = ka_sigfunc_number(name);

	if (sig < 0) {
		fprintf(stderr, "Unknown sigfunc %s\n", name);
		return EXIT_FAILURE;
	}
	printf("%d\n", sig);
	return EXIT_SUCCESS;
}

/* The daemon changes directory to /: make the paths it reopens later
 * (configuration on reload, children's log files, pid files at exit)
 * independent of the directory keepalived was started from. */
static const char *absolute(const char *path)
{
	char cwd[4096];
	char *abs;
	size_t len;

	if (!path || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return path;
	len = strlen(cwd) + strlen(path) + 2;
	abs = malloc(len);
	if (!abs)
		fatalx("out of memory");
	snprintf(abs, len, "%s/%s", cwd, path);
	return abs;
}

static void absolute_paths(struct ka_options *o)
{
	o->conf_file = absolute(o->conf_file);
	o->log_file = absolute(o->log_file);
	o->pid_file = absolute(o->pid_file);
	o->vrrp_pid_file = absolute(o->vrrp_pid_file);
	o->checkers_pid_file = absolute(o->checkers_pid_file);
}

static void start_logging(const struct ka_options *o)
{
	struct log_opts lo = {
		.ident = "Keepalived",
		.facility = o->log_facility,
		.console = o->log_console,
		.no_syslog = o->no_syslog,
		.detail = o->log_detail,
		.file = o->log_file,
	};

	log_init(&lo);
}

/* The "Command line:" log line: each word quoted, as 2.2.7 logs it. */
static void log_banner(int argc, char **argv)
{
	char line[4096];
	size_t len = 0;
	struct utsname u;
	int i;

	log_info("Starting %s", KA_VERSION_LINE);
	if (uname(&u) == 0)
		log_info("Running on %s %s %s", u.sysname, u.release, u.version);
	line[0] = '\0';
	for (i = 0; i < argc && len < sizeof(line) - 1; i++) {
		int n = snprintf(line + len, sizeof(line) - len, "%s'%s'", i ? " " : "", argv[i]);

		if (n < 0)
			break;
		len += (size_t)n;
	}
	log_info("Command line: %s", line);
}

static bool already_running(const struct ka_paths *p)
{
	return pidfile_running(p->pidfile) ||
	       pidfile_running(p->child_pidfile[PROC_VRRP]) ||
	       pidfile_running(p->child_pidfile[PROC_CHECKER]);
}

static struct conf *initial_config(const struct ka_options *o)
{
	struct conf *conf = ka_load_config(o, NULL, NULL);

	log_info("Configuration file %s", ka_config_path(o));
	if (conf->missing_file && o->all_config) {
		log_errx("Configuration file missing and -e given: not starting");
		exit(KA_EXIT_CONFIG);
	}
	if (conf->security_violation)
		log_warnx("SECURITY VIOLATION - scripts are being executed but script_security "
			  "not enabled. There are insecure scripts.");
	if (conf->errors)
		log_warnx("Configuration has %u error(s); running with the parts that are valid",
			  conf->errors);
	if (conf_count(conf->root, "bfd_instance") > 0)
		log_warnx("BFD support is not built into this keepalived yet: "
			  "bfd_instance blocks are not run");
	if (o->dump_conf)
		ka_log_config(conf);
	return conf;
}

static int run_daemon(struct ka_options *o, int argc, char **argv)
{
	static struct ka_paths paths;     /* lives as long as the process */
	struct conf *conf;
	int rc;

	absolute_paths(o);
	start_logging(o);
	log_banner(argc, argv);
	conf = initial_config(o);
	ka_paths_init(&paths, o, conf);
	if (already_running(&paths)) {
		log_info("daemon is already running");
		conf_free(conf);
		return EXIT_SUCCESS;
	}
	umask(o->umask_val >= 0 ? (mode_t)o->umask_val : 022);
	if (!o->dont_fork && !daemonize())
		return KA_EXIT_FATAL;
	if (!pidfile_write(paths.pidfile, getpid()))
		log_warn("cannot write pid file %s", paths.pidfile);
	rc = parent_run(conf, o, &paths);
	core_pattern_restore();
	log_close();
	return rc;
}

int main(int argc, char **argv)
{
	static struct ka_options o;      /* children keep pointers into it */

	if (genhash_in_cmdline(argc, argv))
		return ka_genhash_exec(argv);
	ka_options_init(&o);
	if (ka_options_parse(&o, argc, argv, stderr) < 0)
		return EXIT_FAILURE;
	if (o.help) {
		ka_options_usage(stderr, argv[0]);
		return EXIT_SUCCESS;
	}
	if (o.version) {
		ka_print_version(stderr);
		return EXIT_SUCCESS;
	}
	if (o.signum)
		return print_signum(o.signum);
	ka_options_report_unbuilt(&o, stderr);
	core_dump_setup(&o);
	if (o.config_test)
		return ka_config_test(&o);
	return run_daemon(&o, argc, argv);
}
