// ARM semihosting calls (ARM IHI 0058): `bkpt 0xAB` with the operation in r0 and a
// pointer to its parameter block in r1; the result comes back in r0. QEMU implements
// them when started with -semihosting-config enable=on,target=native.
#include "board.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
    OPEN_MODE_READ_BINARY = 1, // "rb"
    OPEN_MODE_WRITE_BINARY = 5, // "wb"
};

static int32_t semihosting_call(uint32_t operation, const void *parameters) {
    register uint32_t r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = parameters;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

int32_t semihosting_command_line(void *buffer, uint32_t capacity) {
    uint32_t block[2] = {(uint32_t)buffer, capacity};
    if (capacity == 0 || semihosting_call(SYS_GET_CMDLINE, block) != 0) return -1;
    return (int32_t)block[1];
}

static int32_t semihosting_open(const void *path, uint32_t length, uint32_t mode) {
    // SYS_OPEN wants a NUL-terminated name and its length without the NUL.
    uint8_t name[256];
    if (length >= sizeof name) return -1;
    for (uint32_t i = 0; i < length; i++) name[i] = ((const uint8_t *)path)[i];
    name[length] = 0;
    uint32_t block[3] = {(uint32_t)name, mode, length};
    return semihosting_call(SYS_OPEN, block);
}

int32_t semihosting_open_for_reading(const void *path, uint32_t length) {
    return semihosting_open(path, length, OPEN_MODE_READ_BINARY);
}

int32_t semihosting_open_for_writing(const void *path, uint32_t length) {
    return semihosting_open(path, length, OPEN_MODE_WRITE_BINARY);
}

int32_t semihosting_write(int32_t handle, const void *buffer, uint32_t count) {
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)buffer, count};
    // SYS_WRITE returns the number of bytes NOT written.
    return semihosting_call(SYS_WRITE, block) == 0 ? 0 : -1;
}

int32_t semihosting_read(int32_t handle, void *buffer, uint32_t count) {
    uint32_t block[3] = {(uint32_t)handle, (uint32_t)buffer, count};
    int32_t notRead = semihosting_call(SYS_READ, block);
    // SYS_READ returns the number of bytes NOT read.
    if (notRead < 0 || (uint32_t)notRead > count) return -1;
    return (int32_t)(count - (uint32_t)notRead);
}

void semihosting_close(int32_t handle) {
    uint32_t block[1] = {(uint32_t)handle};
    semihosting_call(SYS_CLOSE, block);
}

void semihosting_exit(int32_t code) {
    uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    semihosting_call(SYS_EXIT_EXTENDED, block);
    for (;;) {}
}
