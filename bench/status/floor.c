/* The floor under any `status` that asks the engine: one process that connects to the engine's
 * socket, asks `GET /images/<tag>/json` and reads the answer; no repository, no hashing.
 * Built by bench/status/run.sh (gcc -O2 -static) and timed beside dockwright status.
 *
 *   floor /var/run/docker.sock <image:tag>     exit 0 when the image exists, 1 when not */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return 2;
  char request[1024];
  int n = snprintf(request, sizeof request,
                   "GET /v1.41/images/%s/json HTTP/1.1\r\nHost: docker\r\nConnection: close\r\n\r\n", argv[2]);
  if (write(fd, request, n) != n) return 2;
  static char answer[1 << 20];
  size_t got = 0;
  ssize_t r;
  while ((r = read(fd, answer + got, sizeof answer - 1 - got)) > 0) got += r;
  answer[got] = 0;
  return strncmp(answer, "HTTP/1.1 200", 12) == 0 ? 0 : 1;
}
