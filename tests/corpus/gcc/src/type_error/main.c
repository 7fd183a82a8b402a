#include <stdio.h>

struct point { int x; int y; };

int main(void) {
    struct point p = {1, 2};
    int *q = p;
    printf("%d\n", *q);
    return 0;
}
