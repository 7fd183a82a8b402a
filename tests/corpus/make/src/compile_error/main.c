#include <stdio.h>

int main(void) {
    const char *name = "factory";
    printf("%s\n", name)
    return 0;
}
