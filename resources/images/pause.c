/*
 * pause: the first process of every pod sandbox. It holds the pod's namespaces open while
 * the app containers come and go, reaps zombies when it is the init of a shared PID
 * namespace, and exits 0 on SIGINT/SIGTERM so StopPodSandbox is quick.
 * Built with `gcc -static -Os -s` into flotilla.local/pause:3.10 (see recipes.ts).
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_terminate(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    static const char version[] = "flotilla-pause 3.10\n";
    return write(STDOUT_FILENO, version, sizeof version - 1) < 0;
  }

  struct sigaction terminate;
  memset(&terminate, 0, sizeof terminate);
  terminate.sa_handler = on_terminate;
  sigaction(SIGINT, &terminate, NULL);
  sigaction(SIGTERM, &terminate, NULL);

  struct sigaction child;
  memset(&child, 0, sizeof child);
  child.sa_handler = on_child;
  child.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &child, NULL);

  for (;;) pause();
}
