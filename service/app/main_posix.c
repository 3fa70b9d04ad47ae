#include "compat.h"

#include <signal.h>

#include "cli.h"

int main(int argc, char **argv)
{
	sigset_t hup;

	/*
	 * Before anything else: a service manager may send SIGHUP (reload)
	 * the moment it has started us, while `run` is still loading its
	 * configuration, and SIGHUP's default action would end the daemon.
	 * Blocked, it stays pending until `run` takes it with sigtimedwait()
	 * (svc_posix.c).  Other commands are short and bounded: a hangup
	 * waits for them to finish rather than cutting their output short.
	 */
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &hup, NULL);
	return ww_main(argc, argv);
}
