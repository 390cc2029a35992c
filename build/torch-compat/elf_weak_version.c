/* Marks one version requirement in an ELF64 shared object's .gnu.version_r as weak
 * (VER_FLG_WEAK), so that the dynamic loader tolerates its absence.
 * Usage: elf_weak_version FILE VERSION      (e.g. GLIBCXX_3.4.32)
 * Exit 0 when the flag is set (or was already), 3 when FILE needs no such version, 1 on error. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    fprintf(stderr, "elf_weak_version: %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return fail("usage: elf_weak_version FILE VERSION");
    FILE *f = fopen(argv[1], "r+b");
    if (!f)
        return fail("cannot open file");
    if (fseek(f, 0, SEEK_END) != 0)
        return fail("cannot seek");
    long size = ftell(f);
    if (size < (long)sizeof(Elf64_Ehdr))
        return fail("file too small for an ELF header");
    unsigned char *img = malloc((size_t)size);
    if (!img)
        return fail("out of memory");
    rewind(f);
    if (fread(img, 1, (size_t)size, f) != (size_t)size)
        return fail("short read");

    Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
    if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64)
        return fail("not an ELF64 file");
    if (eh->e_shoff == 0 || eh->e_shoff + (Elf64_Off)eh->e_shnum * sizeof(Elf64_Shdr) > (Elf64_Off)size)
        return fail("section header table out of bounds");
    Elf64_Shdr *sh = (Elf64_Shdr *)(img + eh->e_shoff);

    int found = 0;
    for (int i = 0; i < eh->e_shnum; i++)
    {
        if (sh[i].sh_type != SHT_GNU_verneed)
            continue;
        if (sh[i].sh_link >= eh->e_shnum)
            return fail("bad sh_link");
        Elf64_Shdr *strs = &sh[sh[i].sh_link];
        if (sh[i].sh_offset + sh[i].sh_size > (Elf64_Off)size || strs->sh_offset + strs->sh_size > (Elf64_Off)size)
            return fail("section out of bounds");
        Elf64_Off pos = sh[i].sh_offset;
        Elf64_Off end = sh[i].sh_offset + sh[i].sh_size;
        for (;;)
        {
            if (pos + sizeof(Elf64_Verneed) > end)
                return fail("verneed out of bounds");
            Elf64_Verneed *vn = (Elf64_Verneed *)(img + pos);
            Elf64_Off apos = pos + vn->vn_aux;
            for (int a = 0; a < vn->vn_cnt; a++)
            {
                if (apos + sizeof(Elf64_Vernaux) > end)
                    return fail("vernaux out of bounds");
                Elf64_Vernaux *va = (Elf64_Vernaux *)(img + apos);
                if (va->vna_name < strs->sh_size &&
                    strncmp((const char *)img + strs->sh_offset + va->vna_name, argv[2], strs->sh_size - va->vna_name) == 0)
                {
                    va->vna_flags |= VER_FLG_WEAK;
                    found = 1;
                }
                if (va->vna_next == 0)
                    break;
                apos += va->vna_next;
            }
            if (vn->vn_next == 0)
                break;
            pos += vn->vn_next;
        }
    }
    if (!found)
        return 3;
    rewind(f);
    if (fwrite(img, 1, (size_t)size, f) != (size_t)size || fclose(f) != 0)
        return fail("write failed");
    free(img);
    return 0;
}
