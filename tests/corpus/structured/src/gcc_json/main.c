#include <stdio.h>

int scale(int x) {
  int unused = 2;
  return x * 3;
}

int main(void) {
  char *name = 42;
  printf("%s %d\n", name, scale(2));
  return undefined_total;
}
