"""What a question in another language asks for: the same labels as `questions` gives an
English question ("wann" and "¿cuándo?" want a date, "wie viele" and "сколько" a count,
"warum" and "为什么" a cause), read from each language's own question words, and the
connectives by which a sentence in that language gives a cause.

The words are the closed class of each language's interrogatives and connectives, written as
translations of the English patterns in `questions` (no topic, no corpus). Where a question word
is also a conjunction or a relative pronoun ("cuando", "quand", "quando", "wanneer", "когда"
"when"; "qui", "chi", "wie" "who"), it counts at the question's start or before its mark
only, as "when" does in English; "how much" ("quanto", "wie viel") counts anywhere, so
"per quanto riguarda" ("as regards") is misread. A name is not asked for in German (every
noun is capitalised, so "a capitalised word the question lacks" says nothing), Chinese or
Arabic (no capitals).
Languages: German, Spanish, French, Italian, Portuguese, Dutch, Russian, Chinese, Arabic;
any other asks for no particular kind of fact, as before."""

from __future__ import annotations

import re

# The labels of what a question asks for, in any language (`questions` reads English by them)
AMOUNT, COST, COUNT, SHARE, WHEN, CLOCK, LENGTH, SIZE, OFTEN, NAME, REASON = (
    "amount", "cost", "count", "share", "date", "time", "length", "size", "frequency", "name",
    "reason")

_START = r"^[\s¿¡\"'«„“]*"  # a question's start, past its opening marks
_END = r"\s*[?？؟]"  # before its question mark


# The order labels are tried in, the same for every language: a share before a count ("wie
# viel Prozent"), a length of time before a count or an amount ("¿cuánto tiempo?" holds
# "cuánto"), a count before a price ("¿cuántos partidos ganó?" is not about money; a count
# accepts money too).
ORDER = (REASON, CLOCK, OFTEN, SHARE, LENGTH, COUNT, COST, AMOUNT, SIZE, WHEN, NAME)


def _rules(*pairs: tuple[str, str]) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((label, re.compile(pattern, re.I))
                 for label, pattern in sorted(pairs, key=lambda p: ORDER.index(p[0])))


EXPECTS: dict[str, tuple[tuple[str, re.Pattern], ...]] = {
    "de": _rules(
        (REASON, r"\b(?:warum|weshalb|wieso|weswegen)\b|\baus welche[mn] gr(?:u|ü)nde?n?\b|"
                 r"\bwas (?:führte|veranlasste|verursachte|bewog|bewegte)\b|"
                 r"\b(?:was|welches) (?:war|ist|waren|sind) (?:der|die|das) (?:haupt)?"
                 r"(?:grund|gründe|ursache|ursachen|anlass)\b"),
        (CLOCK, r"\bum wie ?viel uhr\b|\bzu welcher uhrzeit\b|\bwie spät\b"),
        (OFTEN, r"\bwie (?:oft|häufig)\b"),
        (SHARE, r"\bwie ?viel prozent\b|\bwelche[nrs]? (?:prozentsatz|anteil|bruchteil)\b|"
                r"\bum wie ?viel\b"),
        (LENGTH, r"\bwie lange\b|\bfür wie lange?\b|\bwie lang (?:dauer|hat|hielt)\w*"),
        (COST, r"\bwie ?viel\w*\b.{0,60}\b(?:kost|zahl|bezahl|ausgegeben|gebühr|preis|miete|"
               r"verdien)\w*|\bwas kostet\w*\b|\bwelche[nrs]? (?:preis|gebühr|miete|kosten)\b"),
        (COUNT, r"\bwie ?viele[nrs]?\b|\bwie alt\b|\bwelche anzahl\b"),
        (AMOUNT, r"\bwie ?viel\b"),
        (SIZE, r"\bwie (?:weit|groß|gross|hoch|tief|breit|schwer|heiß|kalt|warm|schnell|klein|"
               r"steil|lang)\b"),
        (WHEN, r"\bwann\b|\b(?:in|an|zu|seit|bis zu) welche[mnr]? (?:jahr|datum|monat|tag|"
               r"jahreszeit|jahrhundert|zeitpunkt|zeit|jahrzehnt)\b|\bwelche[mnrs]? (?:jahr|"
               r"datum|monat|tag|jahrhundert)\b"),
    ),
    "es": _rules(
        (REASON, rf"\bpor ?qué\b|{_START}por ?que\b|\bpor qué (?:razón|motivo)\b|\bcuál(?:es)? "
                 r"(?:fue|es|era|fueron|son|eran) (?:el|l[ao]s?) (?:principal(?:es)? )?"
                 r"(?:razón|razones|causa|causas|motivo|motivos)\b|\bqué (?:llevó|causó|"
                 r"provocó|motivó|impulsó)\b"),
        (CLOCK, r"\b(?:a )?qué hora\b"),
        (OFTEN, r"\bcon qué frecuencia\b|\bcada cuánto\b"),
        (SHARE, r"\bqué (?:porcentaje|proporción|parte|fracción)\b|\bqué tanto por ciento\b|"
                r"\bcuál (?:es|era|fue) (?:el|l[ao]) (?:porcentaje|proporción)\b"),
        (LENGTH, r"\bcuánto (?:tiempo|duró|dura|durará)\b|\bdurante cuánto\b|"
                 r"\bcuál (?:es|era|fue) l[ao] duración\b"),
        (COST, r"\bcuánt[oa]s?\b.{0,60}\b(?:cuest|cost|pag|gast|cobr|precio|tarifa|alquiler|"
               r"gan)\w*|\bcuál (?:es|era|fue) el (?:precio|costo|coste)\b|\bqué precio\b"),
        (COUNT, rf"\bcuánt[oa]s\b|{_START}cuant[oa]s\b|\bqué (?:número|cantidad) de\b|"
                r"\bcuál (?:es|era|fue) el número\b"),
        (AMOUNT, rf"\bcuánt[oa]\b|{_START}cuant[oa]\b"),
        (SIZE, r"\bqué tan (?:lejos|grande|alto|alta|profundo|ancho|pesado|rápido)\b|\b(?:cuál "
               r"(?:es|era|fue) |qué )(?:l[ao] |el )?(?:tamaño|altura|longitud|distancia|"
               r"profundidad|superficie|extensión|peso|temperatura|velocidad)\b"),
        (WHEN, rf"\bcuándo\b|{_START}cuando\b|\b(?:en|desde|hasta) qué (?:año|fecha|mes|día|"
               r"siglo|estación|momento|época|década|periodo|período)\b|\bqué (?:año|fecha|"
               r"mes|día|siglo)\b"),
        (NAME, rf"\bquién(?:es)?\b|{_START}quien(?:es)?\b|\bqué (?:organi[sz]ación|empresa|"
               r"compañía|persona|grupo|sindicato|equipo|club|escuela|partido)\b|\bcómo se "
               r"llama(?:ba|n|ban)?\b|\bcuál (?:es|era|fue) el nombre\b"),
    ),
    "fr": _rules(
        (REASON, r"\bpourquoi\b|\bpour quelles? raisons?\b|\bqu['’]est-ce qui a (?:conduit|"
                 r"causé|provoqué|poussé|motivé)\b|\bquel(?:le)?s? (?:est|était|sont|étaient|"
                 r"fut|furent) (?:l[ae]s?) (?:principale?s? )?(?:raisons?|causes?|motifs?)\b"),
        (CLOCK, r"\bà quelle heure\b|\bquelle heure\b"),
        (OFTEN, r"\bà quelle fréquence\b|\btous les combien\b"),
        (SHARE, r"\bquel(?:le)? (?:pourcentage|proportion|part|fraction)\b"),
        (LENGTH, r"\bcombien de temps\b|\bpendant combien\b|\bquelle (?:est|était|fut) l[ae] "
                 r"durée\b"),
        (COST, r"\bcombien\b.{0,60}\b(?:co[uû]t|pay|dépens|factur|prix|tarif|loyer|gagn)\w*|"
               r"\bquel (?:est|était|fut) le (?:prix|coût|tarif|loyer|montant)\b"),
        (COUNT, r"\bcombien d(?:e\b|['’])|\bquel (?:nombre|âge)\b|"
                r"\bquel (?:est|était) le nombre\b"),
        (AMOUNT, r"\bcombien\b"),
        (SIZE, r"\bà quelle (?:distance|hauteur|profondeur|vitesse|température)\b|\bquelle "
               r"(?:est |était |fut )?(?:l[ae] )?(?:taille|hauteur|longueur|distance|superficie|"
               r"profondeur|largeur|température|vitesse)\b"),
        (WHEN, rf"{_START}quand\b|\b(?:depuis|jusqu['’]à|de) quand\b|\bquand{_END}|"
               r"\b(?:en|à|de) quelle (?:année|date|saison|période|époque)\b|\bquel(?:le)? "
               r"(?:année|date|mois|jour|siècle)\b"),
        (NAME, rf"{_START}qui\b|\b(?:par|à|de|avec|pour) qui\b|\bqui{_END}|\bquel(?:le)? "
               r"(?:organi[sz]ation|entreprise|société|personne|groupe|syndicat|équipe|club|"
               r"école|parti)\b|\bcomment s['’]appel\w*|\bquel (?:est|était) le nom\b"),
    ),
    "it": _rules(
        (REASON, rf"{_START}perch[ée]\b|\bper quale (?:motivo|ragione)\b|\bper quali (?:motivi|"
                 r"ragioni)\b|\bcome mai\b|\bqual(?:e|i)? (?:è|era|sono|erano|fu|furono) "
                 r"(?:il|l[ae]|i) (?:principal[ei] )?(?:motiv|ragion|caus)\w*"),
        (CLOCK, r"\ba che ora\b|\bche or[ae]\b"),
        (OFTEN, r"\bogni quanto\b|\bcon quale frequenza\b|\bquanto spesso\b"),
        (SHARE, r"\b(?:quale|che) (?:percentuale|proporzione|parte|frazione|quota)\b|"
                r"\bdi quanto\b"),
        (LENGTH, r"\b(?:per )?quanto tempo\b|\bquanto (?:è )?dur\w+|\bqual(?:e|') ?(?:è|era|"
                 r"fu) l[ae] durata\b"),
        (COST, r"\bquant[oaie]\b.{0,60}\b(?:cost|pag|spes|spend|prezzo|tariffa|affitto|"
               r"guadagn)\w*|\bqual(?:e|') ?(?:è|era|fu) il (?:prezzo|costo)\b"),
        (COUNT, r"\bquant[ie]\b|\bche numero\b|\bqual(?:e|') ?(?:è|era|fu) il numero\b"),
        (AMOUNT, r"\bquant[oa]\b"),
        (SIZE, r"\bquanto (?:è |era )?(?:lontano|grande|alto|alta|profondo|largo|pesante|"
               r"caldo|freddo|veloce)\b|\bqual(?:e|') ?(?:è|era|fu) (?:l[ae] |l['’])?(?:altezza|"
               r"lunghezza|distanza|superficie|profondità|larghezza|temperatura|dimensione|"
               r"velocità|estensione)\b"),
        (WHEN, rf"{_START}quando\b|\b(?:da|fino a|di) quando\b|\bquando{_END}|\b(?:in|nel) "
               r"(?:quale|che) (?:anno|data|mese|giorno|secolo|periodo|decennio)\b|\b(?:quale|"
               r"che) (?:anno|data|mese|giorno|secolo)\b"),
        (NAME, rf"{_START}chi\b|\b(?:a|da|di|con|per) chi\b|\bchi{_END}|"
               r"\bquale (?:organi[sz]{1,2}azione|"
               r"azienda|società|persona|gruppo|sindacato|squadra|club|scuola|partito)\b|\bcome "
               r"si chiama\w*|\bqual(?:e|') ?(?:è|era) il nome\b"),
    ),
    "pt": _rules(
        (REASON, rf"{_START}por ?qu[eê]\b|\bpor qu[eê]{_END}|\bpor (?:qual|que) (?:motivo|razão)\b|"
                 r"\bpor quais (?:motivos|razões)\b|\bqua(?:l|is) (?:foi|é|era|foram|são) "
                 r"(?:o|a|os|as) (?:principa(?:l|is) )?(?:motivos?|razão|razões|causas?)\b"),
        (CLOCK, r"\b(?:a )?que horas\b"),
        (OFTEN, r"\bcom que frequência\b|\bde quanto em quanto\b"),
        (SHARE, r"\b(?:que|qual) (?:a )?(?:percentagem|porcentagem|proporção|parte|fração)\b"),
        (LENGTH, r"\b(?:por )?quanto tempo\b|\bqual (?:é|foi|era) a duração\b|\bdurante "
                 r"quanto\b"),
        (COST, r"\bquant[oa]s?\b.{0,60}\b(?:cust|pag|gast|cobr|preço|tarifa|alug|ganh)\w*|"
               r"\bqual (?:é|era|foi) o (?:preço|custo)\b"),
        (COUNT, r"\bquant[oa]s\b|\bque (?:número|quantidade) de\b|\bqual (?:é|era|foi) o "
                r"número\b"),
        (AMOUNT, r"\bquant[oa]\b"),
        (SIZE, r"\bqu[aã]o (?:longe|grande|alto|alta|profundo|largo|pesado|quente|frio|rápido)\b|"
               r"\bqual (?:é|era|foi) (?:a|o) (?:altura|comprimento|distância|área|profundidade|"
               r"largura|temperatura|tamanho|velocidade|extensão)\b"),
        (WHEN, rf"{_START}quando\b|\b(?:desde|até) quando\b|\bquando{_END}|\bem que (?:ano|data|"
               r"mês|dia|século|época|período|década)\b|\b(?:qual|que) (?:ano|data|mês|dia|"
               r"século)\b"),
        (NAME, r"\bquem\b|\bqual (?:organi[sz]ação|empresa|companhia|pessoa|grupo|sindicato|"
               r"equipe|equipa|clube|escola|partido)\b|\bcomo se chama\w*|\bqual (?:é|era|foi) "
               r"o nome\b"),
    ),
    "nl": _rules(
        (REASON, r"\bwaarom\b|\bom welke redenen?\b|\bwat (?:was|is|waren|zijn) de "
                 r"(?:belangrijkste )?(?:reden|redenen|oorzaak|oorzaken)\b|\bwat (?:leidde|"
                 r"veroorzaakte|bracht|dreef)\b"),
        (CLOCK, r"\b(?:om )?hoe laat\b|\bop welk tijdstip\b"),
        (OFTEN, r"\bhoe (?:vaak|dikwijls)\b"),
        (SHARE, r"\bwelk (?:percentage|deel|aandeel|gedeelte)\b|\bhoeveel procent\b|\bwat "
                r"(?:is|was) het percentage\b"),
        (LENGTH, r"\bhoe ?lang\b"),
        (COST, r"\bhoeveel\b.{0,60}\b(?:kost|betaal|uitgegeven|prijs|huur|verdien)\w*|"
               r"\bwat kost\w*\b|\bwat (?:is|was|zijn|waren) de (?:prijs|kosten|huur)\b"),
        (COUNT, r"\bhoeveel\b|\bhoe oud\b|\bwelk aantal\b"),
        (SIZE, r"\bhoe (?:ver|groot|hoog|diep|breed|zwaar|heet|koud|warm|snel|klein|steil)\b"),
        (WHEN, rf"{_START}wanneer\b|\b(?:sinds|tot|vanaf) wanneer\b|\bwanneer{_END}|\b(?:in|op) "
               r"welke? (?:jaar|datum|dag|maand|eeuw|periode|seizoen|decennium)\b|\bwelke? "
               r"(?:jaar|datum)\b"),
        (NAME, rf"{_START}wie\b|\b(?:door|aan|met|van|voor|bij) wie\b|\bwie{_END}|\bwiens\b|"
               r"\bwelke? (?:organi[sz]atie|firma|bedrijf|persoon|groep|vakbond|ploeg|club|school|"
               r"partij)\b|\bhoe heet\w*|\bwat (?:is|was) de naam\b"),
    ),
    "ru": _rules(
        (REASON, r"\bпочему\b|\bзачем\b|\bпо как(?:ой|им) причин\w*|\bчто (?:привело|вызвало|"
                 r"заставило|побудило)\b|\bкаков\w* (?:\w+ )?причин\w*|\bв ч[её]м (?:\w+ )?"
                 r"причин\w*"),
        (CLOCK, r"\bв котором часу\b|\bво сколько\b|\bкоторый час\b"),
        (OFTEN, r"\bкак часто\b|\bсколько раз в\b"),
        (SHARE, r"\bкак(?:ой|ова) (?:процент|доля)\b|\bкакую (?:долю|часть)\b|\bсколько "
                r"процент\w*"),
        (LENGTH, r"\bсколько (?:времени|длил\w*|продолжал\w*)|\bкак долго\b|\bв течение "
                 r"какого\b|\bкаков\w* продолжительность\b"),
        (COST, r"\bсколько\b.{0,60}\b(?:стои|стоя|плат|заплат|потрат|цен|аренд|заработ)\w*|"
               r"\bкаков\w* (?:цена|стоимость)\b"),
        (COUNT, r"\bсколько\b|\bкакое (?:число|количество)\b|\bкакого возраста\b"),
        (SIZE, r"\bнасколько (?:далеко|больш|велик|высок|глубок|широк|тяжел|быстр)\w*|"
               r"\bкаков\w* (?:высота|длина|площадь|глубина|ширина|температура|скорость|"
               r"размер|расстояние|вес|протяж[её]нность)\b"),
        (WHEN, rf"{_START}когда\b|\bкогда{_END}|\b(?:с|до) каких пор\b|\bв как(?:ом|ой|ие) "
               r"(?:году|годах|месяце|веке|день|период|момент|десятилетии|время)\b|\bкакого "
               r"(?:числа|года)\b|\bкакой (?:год|датой|день)\b"),
        (NAME, rf"{_START}(?:кто|кого|кому|кем|ч[её]й|чья|чьи|чь[её])\b|\b(?:от|у|для|с|о|об|"
               r"перед|за) (?:кого|ком|кем)\b|\bкто{_END}|\bкак (?:зовут|звали|назыв\w+)\b|"
               r"\bкак(?:ая|ой|ое|ую) (?:организаци|компани|фирм|групп|команд|школ|парти|"
               r"название|имя)\w*"),
    ),
    "zh": _rules(
        (REASON, r"为什么|为何|为甚么|什么原因|何种原因|原因是什么|原因为何|原因何在|何故|"
                 r"由于什么|出于什么"),
        (CLOCK, r"几点|什么时刻|几时几分"),
        (OFTEN, r"多久一次|多频繁|频率|多常"),
        (SHARE, r"百分之几|多少百分比|百分比|比例|占多少|多大比重|几成"),
        (LENGTH, r"多久|多长时间|多少年|多长的时间|持续了?多|历时多|时长"),
        (COST, r"(?:多少|几)(?:钱|元|美元|英镑|欧元)|花(?:了|费)?多少|(?:费用|成本|价格|售价|"
               r"租金|票价|造价)(?:是|为)?多少"),
        (COUNT, r"多少|几(?:个|位|名|种|次|座|所|家|人|条|部|项|支|只|匹|本|年级)|多大年纪|"
                r"几岁"),
        (SIZE, r"多(?:远|大|高|深|宽|重|热|冷|快|长)|面积|高度|长度|深度|距离"),
        (WHEN, r"什么时候|何时|哪一?年|哪一?天|哪个月|几月|几号|哪个?世纪|什么年代|哪个年代|"
               r"什么日期|哪个时期|何年|哪个时候|什么时间"),
    ),
    "ar": _rules(
        (REASON, r"لماذا|لمَ|ما (?:هو |هي )?(?:سبب|أسباب|السبب)|ما الذي (?:أدى|دفع|تسبب)|"
                 r"بسبب ماذا|لأي سبب"),
        (CLOCK, r"في أي ساعة|ما الساعة|الساعة كم"),
        (OFTEN, r"كم مرة|كل كم|بأي تردد"),
        (SHARE, r"ما (?:هي )?(?:نسبة|النسبة)|كم نسبة|كم (?:في|بال)(?:المائة|المئة)"),
        (LENGTH, r"كم من الوقت|كم (?:استغرق|دام|استمر|طالت|تستغرق|يستغرق)|ما (?:هي )?(?:مدة|"
                 r"المدة)|(?:طوال|خلال) كم"),
        (COST, r"كم (?:كلف|تكلف|يكلف|تكلفة|سعر|ثمن|دفع|أنفق|يبلغ سعر)|ما (?:هي |هو )?"
               r"(?:تكلفة|سعر|ثمن|رسوم)"),
        (COUNT, r"(?<!\w)[وف]?كم(?!\w)|ما (?:هو )?عدد|كم عدد"),
        (SIZE, r"ما (?:هو |هي )?(?:طول|ارتفاع|عمق|عرض|مساحة|وزن|حجم|مسافة|سرعة|درجة حرارة)|"
               r"إلى أي مدى"),
        (WHEN, r"(?<!\w)[وف]?متى(?!\w)|في أي (?:عام|سنة|شهر|يوم|قرن|تاريخ|فترة|وقت|عقد)|"
               r"(?:أي|اي) (?:عام|سنة)"),
    ),
}

# Words by which a sentence gives a cause, as `questions._CAUSAL` in English.
CAUSAL: dict[str, re.Pattern] = {lang: re.compile(pattern, re.I) for lang, pattern in {
    "de": r"\b(?:weil|denn|wegen|aufgrund|auf grund|infolge|deshalb|daher|deswegen|darum|"
          r"dadurch|grund|gründe[n]?|ursache[n]?|führte[n]? zu|verursacht\w*|zurückzuführen|"
          r"angesichts|dank)\b",
    "es": r"\b(?:porque|debido a|a causa de|por causa de|gracias a|por lo tanto|por eso|"
          r"por ello|ya que|puesto que|dado que|razón|razones|causa|causas|motivo|motivos|"
          r"provocó|causó|llevó a|condujo a|en respuesta a)\b",
    "fr": r"\b(?:parce que|parce qu|car|à cause de|en raison de|grâce à|donc|c['’]est pourquoi|"
          r"puisque|raison|raisons|cause|causes|motif|motifs|provoqué|causé|entraîné|conduit à|"
          r"en réponse à|étant donné)\b",
    "it": r"\b(?:perché|poiché|siccome|a causa di|grazie a|quindi|pertanto|dato che|ragione|"
          r"ragioni|causa|cause|motivo|motivi|provocato|causato|portato a|in risposta a)\b",
    "pt": r"\b(?:porque|devido a|por causa de|graças a|portanto|por isso|já que|uma vez que|"
          r"dado que|razão|razões|causa|causas|motivo|motivos|provocou|causou|levou a|em "
          r"resposta a)\b",
    "nl": r"\b(?:omdat|want|doordat|vanwege|wegens|dankzij|daarom|dus|reden|redenen|oorzaak|"
          r"oorzaken|leidde tot|veroorzaakt\w*|als gevolg van|naar aanleiding van)\b",
    "ru": r"\b(?:потому что|так как|из-за|благодаря|поэтому|вследствие|в результате|причин\w*|"
          r"привел\w*|вызвал\w*|поскольку|в связи с|в ответ на)\b",
    "zh": r"因为|由于|所以|因此|导致|原因|造成|以致|鉴于|为了回应|出于",
    "ar": r"لأن|بسبب|نتيجة|لذلك|بفضل|سبب|أسباب|أدى|أدت|نظرا|بما أن|ردا على",
}.items()}


# The words of a question's form, as `terms._ASKING` in English ("much", "many", "number",
# "time", "kind"): what an amount must be of is the question less these.
ASKING_WORDS: dict[str, tuple[str, ...]] = {
    lang: tuple(sorted(words.split(), key=len, reverse=True)) for lang, words in {
    "de": "wie viel viele vielen wieviel wieviele welche welcher welches welchen welchem was "
          "prozent prozentsatz anteil anzahl zahl betrag menge zeit lange art",
    "es": "cuánto cuánta cuántos cuántas qué cuál cuáles porcentaje proporción número "
          "cantidad tiempo tipo clase",
    "fr": "combien quel quelle quels quelles pourcentage proportion nombre quantité montant "
          "temps type genre",
    "it": "quanto quanta quanti quante quale quali che percentuale proporzione numero "
          "quantità tempo tipo",
    "pt": "quanto quanta quantos quantas qual quais que percentagem porcentagem proporção "
          "número quantidade tempo tipo",
    "nl": "hoeveel welk welke wat percentage aandeel aantal hoeveelheid tijd soort",
    "ru": "сколько какой какая какое какие каков какова процент процентов доля число "
          "количество время тип",
    "zh": "多少 百分之几 百分比 比例 数量 数目 多大 多长 多久 什么 哪些 哪个",
    "ar": "كم ما هو هي نسبة النسبة عدد العدد مقدار المقدار كمية الكمية",
}.items()}
_UNSPACED = ("zh", "ja")


def without_asking(question: str, lang: str) -> str:
    """`question` less the words of its form in `lang` (Chinese: wherever they stand)."""
    for word in ASKING_WORDS.get(lang, ()):
        pattern = re.escape(word) if lang in _UNSPACED else rf"(?<!\w){re.escape(word)}(?!\w)"
        question = re.sub(pattern, " ", question, flags=re.I)
    return question
