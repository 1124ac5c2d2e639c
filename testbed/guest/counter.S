# The testbed guest: a real-mode program that QEMU boots as a Linux "kernel" (boot protocol 2.00,
# loaded below 1 MiB, entered in real mode at the setup code). It prints a counter to COM1 every
# 4 BIOS timer ticks (~220 ms) and halts in between. Its state lives in a register, so a live
# migration that moves the guest shows the counter continuing on the destination, while a cold
# restart starts again at 1. Assemble: as --32 -o c.o counter.S && objcopy -O binary -j .text c.o c.bin
# (make-counter-kernel embeds the result; re-run it with --from-source after changing this file).
.code16
.section .text
.globl _start
_start:
        jmp     start                   # offset 0x200 of the image: jumps over the boot header
        .ascii  "HdrS"                  # 0x202
        .word   0x0200                  # 0x206 boot protocol 2.00
        .fill   0x68 - (. - _start), 1, 0
start:
        cli
        mov     %cs, %ax
        mov     %ax, %ds
        xor     %ax, %ax
        mov     %ax, %es
        mov     $banner, %si
        call    puts
        xor     %ebx, %ebx
next:
        inc     %ebx
        mov     $prefix, %si
        call    puts
        mov     $8, %cx
hex:
        rol     $4, %ebx
        mov     %bl, %al
        and     $0x0f, %al
        add     $0x30, %al
        cmp     $0x39, %al
        jbe     1f
        add     $7, %al
1:      call    putc
        loop    hex
        mov     $0x0a, %al
        call    putc
        mov     $4, %cx                 # 4 BIOS ticks (~220 ms) between lines
tick:
        mov     %es:0x46c, %dx
        sti
2:      hlt
        cmp     %es:0x46c, %dx
        je      2b
        loop    tick
        jmp     next
putc:
        push    %dx
        mov     $0x3f8, %dx
        out     %al, %dx
        pop     %dx
        ret
puts:
        lodsb
        test    %al, %al
        jz      3f
        call    putc
        jmp     puts
3:      ret
banner: .asciz  "kvmha-counter-guest booted\n"
prefix: .asciz  "kvmha-counter "
