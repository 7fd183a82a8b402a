#include <stdlib.h>

int scale(int v) {
    int unused = 3;
    return v * 2;
}

int total(const int *xs, int n) {
    int sum = 0;
    for (int i = 0; i < n; i++)
        sum += scale(xs[i]);
    return summ;
}
