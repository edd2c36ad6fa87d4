"""Korean texts for the Vosk run (the only Vosk model on this machine is Korean).

Written for this benchmark. ``FALLBACK_PHRASES`` is used only when the
recognition engineer's ``voice_guide/lang/ko-phrases.yaml`` is not present.
"""

from __future__ import annotations

from collections.abc import Mapping

from voice_guide.intents import Intent

CHAT: tuple[str, ...] = (
    "오늘 날씨가 정말 좋네요.",
    "저녁에 뭐 먹을까요?",
    "내일 아침에 일찍 일어나야 해요.",
    "친구가 새 집으로 이사했어요.",
    "이 책은 생각보다 재미있어요.",
    "버스가 조금 늦게 왔어요.",
    "주말에 공원에 가고 싶어요.",
    "커피를 한 잔 더 마실래요?",
    "어제 영화를 봤는데 좋았어요.",
    "고양이가 소파에서 자고 있어요.",
    "시장에서 사과를 샀어요.",
    "창문을 좀 열어 주세요.",
)

NEAR_MISS: tuple[str, ...] = (
    "다음 주에 다시 만나요.",
    "천천히 먹어도 괜찮아요.",
    "잠깐 시장에 다녀올게요.",
    "계속 비가 오네요.",
    "빨리 가면 기차를 탈 수 있어요.",
    "처음부터 다시 읽어 볼까요?",
    "남은 시간이 얼마나 되는지 몰라요.",
    "이 단계는 어렵지 않아요.",
    "네 친구가 전화했어요.",
    "아니 그건 제 가방이 아니에요.",
    "도움말을 읽어 보면 알 수 있어요.",
    "소리를 조금 작게 해 주세요.",
    "그만 자고 일어나세요.",
    "뒤로 한 걸음 물러서 주세요.",
)

NARRATION: tuple[str, ...] = (
    "손바닥에 오일을 조금 덜어 따뜻하게 하세요.",
    "양손을 허리 위에 평평하게 올려 놓으세요.",
    "천천히 어깨 쪽으로 손을 밀어 올리세요.",
    "척추 위는 누르지 마세요.",
    "손가락 끝으로 작은 원을 그리세요.",
    "압력이 괜찮은지 물어보세요.",
    "반대쪽에서도 똑같이 하세요.",
    "목에서 허리까지 길게 쓸어내리세요.",
)

BABBLE: tuple[str, ...] = (
    "도서관은 매주 월요일에 문을 닫습니다.",
    "할아버지는 항구 근처에서 시계를 고치셨어요.",
    "비가 그친 뒤에 아이들이 밖으로 뛰어나갔어요.",
    "그 식당은 금요일마다 맛있는 생선 국을 팔아요.",
    "박물관에서 인쇄의 역사에 대한 전시를 하고 있어요.",
    "그녀는 아침이 밝아 보이도록 부엌을 노랗게 칠했어요.",
)

FALLBACK_PHRASES: Mapping[Intent, tuple[str, ...]] = {
    Intent.NEXT: ("다음", "다음 단계"),
    Intent.BACK: ("이전", "뒤로"),
    Intent.REPEAT: ("다시", "다시 말해 주세요"),
    Intent.SLOWER: ("천천히",),
    Intent.FASTER: ("빨리",),
    Intent.PAUSE: ("잠깐", "멈춰"),
    Intent.RESUME: ("계속",),
    Intent.TIME_LEFT: ("남은 시간",),
    Intent.WHERE: ("몇 번째 단계",),
    Intent.HELP: ("도움말",),
    Intent.RESTART: ("처음부터",),
    Intent.LOUDER: ("크게",),
    Intent.QUIETER: ("작게",),
    Intent.YES: ("네",),
    Intent.NO: ("아니요",),
    Intent.QUIT: ("그만", "종료"),
}
FALLBACK_GOTO: tuple[str, ...] = ("{n} 단계",)
FALLBACK_NUMBERS: Mapping[str, int] = {
    w: i for i, w in enumerate(["일", "이", "삼", "사", "오", "육", "칠", "팔", "구", "십"], start=1)
}
