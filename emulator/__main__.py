"""Run the emulator as its own process: ``python -m emulator --port 8765``.

It prints the settings that point a bot at it, including a token it accepts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

from emulator.server import Emulator


async def serve(port: int, guilds: int, token: str | None) -> None:
    emu = Emulator(token=token)
    for n in range(guilds):
        emu.add_guild(f"Study Group {n + 1}" if guilds > 1 else "Study Group")
    await emu.start(port)
    sys.stdout.write(
        f"DISCORD_API_BASE_URL={emu.base_url}\n"
        f"DISCORD_GATEWAY_URL={emu.gateway_url}\n"
        f"DISCORD_TOKEN={emu.token}\n"
    )
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m emulator", description=__doc__)
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--guilds", type=int, default=1)
    parser.add_argument("--token", default=None, help="the bot token to accept (default: random)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(serve(args.port, args.guilds, args.token))


if __name__ == "__main__":
    main()
