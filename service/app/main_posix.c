#include "compat.h"

#include "cli.h"

int main(int argc, char **argv)
{
	return ww_main(argc, argv);
}
