"""Behaviour of the language detector for titles and bodies of UN news pages."""

import csv
from collections import Counter
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from pipelines import language
from pipelines.language import Detection, detect_fields, detect_language, normalise_tag

LABELLED = Path(__file__).parent / "fixtures" / "language" / "labelled.tsv"
REQUIRED_LANGUAGES = "en ru fr es ar zh pt kk ky uz-Latn uz-Cyrl tg tk uk tr fa ur ko".split()
# Measured on labelled.tsv: titles 0.995 (369/371), bodies 1.000 (121/121).
MIN_TITLE_ACCURACY = 0.97
MIN_BODY_ACCURACY = 0.98

RU_BODY = (
    "Детский фонд ООН (ЮНИСЕФ) сообщил во вторник, что в прошлом году из-за экстремальных "
    "погодных явлений учеба была прервана почти у 250 миллионов детей во всем мире."
)
EN_BODY = (
    "The United Nations Children's Fund said on Tuesday that nearly 250 million children "
    "worldwide had their schooling disrupted by extreme weather events last year."
)


def load_labelled() -> list[tuple[str, str, tuple[str, ...], str]]:
    with LABELLED.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return [
        (r["expected_tag"], r["kind"], tuple(h for h in r["hint"].split(",") if h), r["text"])
        for r in reader
    ]


def accuracy(kind: str) -> float:
    rows = [row for row in load_labelled() if row[1] == kind]
    correct = sum(detect_language(text, hints).language == tag for tag, _, hints, text in rows)
    return correct / len(rows)


# --- tags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-US", "en"),
        ("EN_gb", "en"),
        ("ru_RU", "ru"),
        ("kk-KZ", "kk"),
        ("kz", "kk"),
        ("kg", "ky"),
        ("tj", "tg"),
        ("ua", "uk"),
        ("uz", "uz"),
        ("uz-UZ", "uz"),
        ("uz-latn", "uz-Latn"),
        ("uz_Cyrl_UZ", "uz-Cyrl"),
        ("zh-hans", "zh"),
        ("zh-Hant-TW", "zh"),
        ("zh_CN", "zh"),
        ("fa-IR", "fa"),
        ("prs", "fa"),
        ("eng", "en"),
        (" tr-TR ", "tr"),
    ],
)
def test_tags_and_locales_are_normalised(tag: str, expected: str) -> None:
    assert normalise_tag(tag) == expected


@pytest.mark.parametrize("tag", ["", "  ", "und", "x-default", "mul", "*", "12", "english-uk"])
def test_unusable_tags_are_und(tag: str) -> None:
    assert normalise_tag(tag) == "und"


# --- empty and unusable text ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["", "   ", "2024", "12.05.2024 | 14:30", "— … !!! ***", "https://www.unicef.org/kazakhstan"],
)
def test_empty_text_is_und(text: str) -> None:
    assert detect_language(text, ["en"]) == Detection("und", 0.0, "empty")


def test_control_characters_and_broken_surrogates_do_not_crash() -> None:
    detection = detect_language("Children\x00 and youth \ud800 in Central Asia\x07 schools")
    assert detection.language == "en"


# --- Central Asian languages against Russian, Turkish and each other --------------------


@pytest.mark.parametrize(
    "title",
    [
        "Қазақстан мен БҰҰ ынтымақтастықтың жаңа бағдарламасына қол қойды",
        "Бала құқықтары: Конвенция қабылданғаннан бері не өзгерді?",
        "Жастар Арал өңірінің болашағын айқындауы тиіс",
        "Балалар құқықтары",
    ],
)
def test_kazakh_title_is_not_russian(title: str) -> None:
    assert detect_language(title, ["ru"]).language == "kk"


@pytest.mark.parametrize(
    "title",
    [
        "Кыргызстан менен БУУ кызматташтыктын жаңы программасына кол коюшту",
        "Баланын укуктары: Конвенция кабыл алынгандан бери эмне өзгөрдү?",
        "Балдардын ден соолугу",
    ],
)
@pytest.mark.parametrize("hint", ["kk", "ru"])
def test_kyrgyz_title_is_not_kazakh_or_russian(title: str, hint: str) -> None:
    assert detect_language(title, [hint]).language == "ky"


@pytest.mark.parametrize(
    "title",
    [
        "Тоҷикистон ва СММ барномаи нави ҳамкориро имзо карданд",
        "Ҳуқуқҳои кӯдак: пас аз қабули Конвенсия чӣ тағйир ёфт?",
        "Ҷавонон ва сулҳ",
    ],
)
@pytest.mark.parametrize("hint", ["ru", "uz", "fa"])
def test_tajik_title_is_not_russian_or_uzbek(title: str, hint: str) -> None:
    assert detect_language(title, [hint]).language == "tg"


@pytest.mark.parametrize(
    ("title", "expected", "wrong_hint"),
    [
        ("Türkmenistan we BMG hyzmatdaşlygyň täze maksatnamasyna gol çekdi", "tk", "tr"),
        ("Çagalaryň hukuklary", "tk", "tr"),
        ("Kız çocuklarının eğitimi kalıcı barışın anahtarı", "tr", "tk"),
        ("Çocuk hakları", "tr", "tk"),
    ],
)
def test_turkmen_and_turkish_are_told_apart(title: str, expected: str, wrong_hint: str) -> None:
    assert detect_language(title, [wrong_hint]).language == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oʻzbekiston va BMT hamkorlikning yangi dasturini imzoladi", "uz-Latn"),
        ("Yoshlar Orolbo‘yi mintaqasining kelajagini belgilaydi", "uz-Latn"),
        ("YUNESKO global fuqarolik ta'limi bo'yicha yangi tavsiyalarni e'lon qildi", "uz-Latn"),
        ("Ўзбекистон ва БМТ ҳамкорликнинг янги дастурини имзолади", "uz-Cyrl"),
        ("Ёшлар Оролбўйи минтақасининг келажагини белгилайди", "uz-Cyrl"),
        ("Болалар ҳуқуқлари", "uz-Cyrl"),
    ],
)
@pytest.mark.parametrize("hints", [(), ("uz",), ("uz-UZ", "ru")])
def test_uzbek_latin_and_cyrillic_get_script_subtags(
    text: str, expected: str, hints: tuple[str, ...]
) -> None:
    assert detect_language(text, hints).language == expected


def test_uzbek_hint_in_the_other_script_does_not_change_the_script() -> None:
    latin = "Bola huquqlari: Konvensiya qabul qilinganidan beri nima o‘zgardi?"
    cyrillic = "Бола ҳуқуқлари: Конвенция қабул қилинганидан бери нима ўзгарди?"
    assert detect_language(latin, ["uz-Cyrl"]).language == "uz-Latn"
    assert detect_language(cyrillic, ["uz-Latn"]).language == "uz-Cyrl"


@pytest.mark.parametrize(
    "title",
    [
        "Освіта дівчат — ключ до сталого миру",
        "Чиста питна вода надійшла до 50 сіл завдяки новому проєкту",
        "Молодь і мир",
    ],
)
@pytest.mark.parametrize("hint", ["ru", "en"])
def test_ukrainian_is_not_russian(title: str, hint: str) -> None:
    assert detect_language(title, [hint]).language == "uk"


@pytest.mark.parametrize(
    "title", ["Молодёжь и мир", "Генсек ООН призвал защитить детей в вооружённых конфликтах"]
)
@pytest.mark.parametrize("hint", ["uk", "kk", "ky"])
def test_russian_is_not_ukrainian_or_kazakh(title: str, hint: str) -> None:
    assert detect_language(title, [hint]).language == "ru"


# --- Arabic script and CJK ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("الأمين العام يحث القادة على حماية الأطفال في النزاعات المسلحة", "ar"),
        ("التعليم للجميع", "ar"),
        ("دبیرکل سازمان ملل خواستار حمایت از کودکان در درگیری‌های مسلحانه شد", "fa"),
        ("آموزش برای همه", "fa"),
        ("لڑکیوں کی تعلیم پائیدار امن کی کنجی ہے", "ur"),
        ("بچوں کے حقوق", "ur"),
    ],
)
@pytest.mark.parametrize("hints", [(), ("ar",), ("fa",), ("ur",)])
def test_arabic_persian_and_urdu_are_told_apart(
    text: str, expected: str, hints: tuple[str, ...]
) -> None:
    assert detect_language(text, hints).language == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("秘书长敦促各国领导人保护武装冲突中的儿童", "zh"),
        ("聯合國：全球兒童教育危機持續惡化", "zh"),
        ("儿童健康", "zh"),
        ("若者の気候活動家が地域フォーラムで行動を呼びかけ", "ja"),
        ("子どもの権利", "ja"),
        ("청년 기후 활동가들, 지역 포럼에서 즉각적인 행동 촉구", "ko"),
        ("아동 권리", "ko"),
    ],
)
@pytest.mark.parametrize("hint", ["zh", "ja", "ko"])
def test_chinese_japanese_and_korean_follow_the_script(text: str, expected: str, hint: str) -> None:
    assert detect_language(text, [hint]).language == expected


def test_short_han_only_title_follows_the_page_hint() -> None:
    assert detect_language("国連児童基金", ["ja"]).language == "ja"
    assert detect_language("联合国儿童基金会", ["ja"]).language == "zh"
    assert detect_language("青年", ["ja"]).language == "ja"
    assert detect_language("青年", ["zh-CN"]).language == "zh"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Η εκπαίδευση των κοριτσιών είναι το κλειδί για την ειρήνη", "el"),
        ("ความรุนแรงต่อเด็กต้องยุติลง", "th"),
        ("Молодежь Грузии: ახალგაზრდები მშვიდობისთვის და განათლებისთვის", "ka"),
    ],
)
def test_single_language_scripts_are_named_by_script(text: str, expected: str) -> None:
    assert detect_language(text).language == expected


# --- hints ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "wrong_hint", "expected"),
    [
        ("Children in Gaza face catastrophic levels of hunger, UN agencies say", "ky", "en"),
        ("Спека загрожує навчанню мільйонів школярів", "en", "uk"),
        ("Генсек ООН призвал защитить детей в вооружённых конфликтах", "kk", "ru"),
        ("Вакцинация деңгейі төмендеген сайын қызылша жағдайлары күрт артып келеді", "ru", "kk"),
        ("Le PNUD soutient des emplois verts pour les femmes en milieu rural", "en", "fr"),
        ("Las olas de calor amenazan el aprendizaje de millones de estudiantes", "pt", "es"),
        ("PNUD apoia empregos verdes para mulheres em zonas rurais", "es", "pt"),
        (
            "برنامج الأمم المتحدة الإنمائي يدعم الوظائف الخضراء للنساء في المناطق الريفية",
            "fa",
            "ar",
        ),
        ("Sanjym derejesi peselýärkä gyzamyk keselleriniň sany çalt artýar", "tr", "tk"),
        (
            "Emlash darajasi pasaygani sari qizamiq bilan kasallanish keskin oshmoqda",
            "ru",
            "uz-Latn",
        ),
        ("秘书长敦促各国领导人保护武装冲突中的儿童", "ja", "zh"),
    ],
)
def test_wrong_url_hint_does_not_override_clear_text(
    text: str, wrong_hint: str, expected: str
) -> None:
    assert detect_language(text, [wrong_hint]).language == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [("Бишкек", "ky"), ("Бишкек", "ru"), ("Алматы", "kk"), ("Алматы", "ru"), ("Media", "es")],
)
def test_hint_breaks_tie_on_language_neutral_text(text: str, hint: str) -> None:
    assert detect_language(text, [hint]).language == hint


@pytest.mark.parametrize("hint", ["uz", "uz-UZ", "uz_Latn", "UZ-latn-uz"])
def test_hints_in_any_form_are_normalised(hint: str) -> None:
    assert detect_language("Maktabga qaytish", [hint]).language == "uz-Latn"


def test_a_single_hint_string_is_one_hint() -> None:
    assert detect_language("Бишкек", "ky").language == "ky"  # type: ignore[arg-type]


def test_first_hint_is_the_strongest() -> None:
    assert detect_language("Media", ["pt", "es"]).language == "pt"
    assert detect_language("Media", ["es", "pt"]).language == "es"


def test_hint_in_another_script_is_ignored() -> None:
    assert detect_language("Права ребёнка: что изменилось за 35 лет", ["en"]).language == "ru"


# --- titles with bodies ---------------------------------------------------------------------


def test_title_keeps_own_language_over_body() -> None:
    title, body = detect_fields("Балалар құқықтары: не өзгерді?", RU_BODY, ["ru"])
    assert (title.language, body.language) == ("kk", "ru")


def test_body_language_is_a_prior_for_a_short_title() -> None:
    title, body = detect_fields("Media", EN_BODY, ["es"])
    assert (title.language, body.language) == ("en", "en")


def test_title_without_body_uses_the_hints() -> None:
    title, body = detect_fields("Бишкек", "", ["ky"])
    assert (title.language, body.language) == ("ky", "und")


# --- detections ------------------------------------------------------------------------------


def test_clear_text_is_confident_and_short_text_less_so() -> None:
    clear = detect_language(RU_BODY)
    short = detect_language("Бишкек", ["ru"])
    assert clear.language == "ru" and clear.confidence >= 0.9
    assert 0.0 < short.confidence < clear.confidence


@pytest.mark.parametrize("text", [RU_BODY, EN_BODY, "Media", "儿童健康", "아동 권리", ""])
def test_confidence_is_between_zero_and_one(text: str) -> None:
    assert 0.0 <= detect_language(text).confidence <= 1.0


def test_detection_is_immutable() -> None:
    detection = detect_language(EN_BODY)
    with pytest.raises(FrozenInstanceError):
        detection.language = "fr"  # type: ignore[misc]


def test_long_body_is_detected_from_a_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []
    cld2, langid = language._cld2_detect, language._langid_rank

    def cld2_spy(text: str):  # type: ignore[no-untyped-def]
        seen.append(len(text))
        return cld2(text)

    def langid_spy(text: str):  # type: ignore[no-untyped-def]
        seen.append(len(text))
        return langid(text)

    monkeypatch.setattr(language, "_cld2_detect", cld2_spy)
    monkeypatch.setattr(language, "_langid_rank", langid_spy)
    body = " ".join([RU_BODY] * 200)  # about 30,000 characters

    assert detect_language(body).language == "ru"
    assert seen and max(seen) <= 2_000, "the models read a sample, not the whole body"


def test_all_caps_and_acronyms_do_not_mislead() -> None:
    assert detect_language("ЖАСТАР ЖӘНЕ БЕЙБІТШІЛІК").language == "kk"
    assert detect_language("UNICEF, UNDP and UNESCO open youth centres in Bishkek").language == "en"
    assert detect_language("UNICEF и ПРООН открыли молодежные центры в Бишкеке").language == "ru"


def test_py3langid_model_is_loaded_once() -> None:
    assert language._langid() is language._langid()


# --- the labelled set -------------------------------------------------------------------------


def test_labelled_set_covers_every_required_language() -> None:
    counts = Counter((tag, kind) for tag, kind, _, _ in load_labelled())
    for tag in REQUIRED_LANGUAGES:
        assert counts[(tag, "title")] >= 12, tag
        assert counts[(tag, "body")] >= 6, tag


def test_accuracy_on_labelled_set_is_above_measured_threshold() -> None:
    assert accuracy("title") >= MIN_TITLE_ACCURACY
    assert accuracy("body") >= MIN_BODY_ACCURACY
