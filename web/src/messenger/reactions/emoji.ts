import type { MessageKey } from '../../i18n/en.ts';

/**
 * The emoji the reaction picker offers: the six quick ones, and a fuller grid by category, each emoji with
 * its names in English and French (what the search matches; screen readers read the emoji itself, in their
 * own language). A static list, no dependency: every one is an RGI emoji (emoji.test.ts checks it against
 * the server's rule, protocol/reactions.ts).
 */

export const QUICK_REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'] as const;

export interface EmojiEntry {
  emoji: string;
  en: string;
  fr: string;
}

export interface EmojiCategory {
  id: string;
  label: MessageKey;
  emojis: EmojiEntry[];
}

type Row = [emoji: string, en: string, fr: string];

const rows = (list: Row[]): EmojiEntry[] => list.map(([emoji, en, fr]) => ({ emoji, en, fr }));

export const EMOJI_CATEGORIES: EmojiCategory[] = [
  {
    id: 'smileys',
    label: 'reactions.category.smileys',
    emojis: rows([
      ['😀', 'grinning face smile happy', 'visage souriant sourire content'],
      ['😃', 'big smile happy', 'grand sourire content'],
      ['😄', 'smiling eyes laugh', 'yeux rieurs rire'],
      ['😁', 'beaming grin', 'sourire éclatant'],
      ['😆', 'squinting laugh', 'rire yeux plissés'],
      ['😅', 'sweat smile relief', 'sourire gêné soulagement'],
      ['🤣', 'rolling on the floor laughing rofl', 'mort de rire'],
      ['😂', 'tears of joy laugh lol', 'larmes de joie rire mdr'],
      ['🙂', 'slightly smiling', 'léger sourire'],
      ['🙃', 'upside down', 'à l’envers'],
      ['😉', 'wink', 'clin d’œil'],
      ['😊', 'blush smiling eyes', 'rougir yeux souriants'],
      ['😇', 'halo innocent angel', 'auréole innocent ange'],
      ['🥰', 'hearts love adore', 'cœurs amour adorer'],
      ['😍', 'heart eyes love', 'yeux en cœur amour'],
      ['🤩', 'star struck wow', 'étoiles ébloui'],
      ['😘', 'kiss blowing', 'bisou baiser'],
      ['😋', 'yum delicious tongue', 'miam délicieux langue'],
      ['😜', 'winking tongue joke', 'clin d’œil langue blague'],
      ['🤪', 'zany crazy', 'loufoque fou'],
      ['🤔', 'thinking hmm', 'réfléchir pensif'],
      ['🤨', 'raised eyebrow doubt', 'sourcil levé doute'],
      ['😐', 'neutral face', 'visage neutre'],
      ['😶', 'no mouth speechless', 'sans bouche sans voix'],
      ['🙄', 'eye roll', 'yeux au ciel'],
      ['😏', 'smirk', 'sourire en coin'],
      ['😬', 'grimace awkward', 'grimace gêne'],
      ['😌', 'relieved calm', 'soulagé calme'],
      ['😴', 'sleeping tired', 'dormir fatigué'],
      ['🤯', 'mind blown exploding head', 'tête qui explose époustouflé'],
      ['🥳', 'party celebrate', 'fête célébrer'],
      ['😎', 'cool sunglasses', 'cool lunettes de soleil'],
      ['🤓', 'nerd glasses', 'intello lunettes'],
      ['😕', 'confused', 'confus perplexe'],
      ['😟', 'worried', 'inquiet'],
      ['😮', 'open mouth wow surprised', 'bouche ouverte surpris waouh'],
      ['😲', 'astonished shocked', 'stupéfait choqué'],
      ['🥺', 'pleading puppy eyes', 'suppliant yeux de chiot'],
      ['😢', 'crying sad tear', 'pleurer triste larme'],
      ['😭', 'sobbing loudly crying', 'sangloter pleurer fort'],
      ['😱', 'screaming fear', 'crier peur'],
      ['😤', 'triumph huff', 'triomphe souffler'],
      ['😡', 'angry pouting rage', 'en colère rage'],
      ['🤬', 'cursing swearing', 'jurer injures'],
      ['😈', 'devil smiling', 'diable souriant'],
      ['💀', 'skull dead', 'crâne mort'],
      ['💩', 'poop', 'caca'],
      ['🤡', 'clown', 'clown'],
      ['👻', 'ghost', 'fantôme'],
      ['🤖', 'robot', 'robot'],
      ['🫠', 'melting face', 'visage qui fond'],
      ['🤗', 'hug hugging', 'câlin accolade'],
      ['🤭', 'hand over mouth oops', 'main sur la bouche oups'],
      ['🤫', 'shush quiet', 'chut silence'],
      ['🥲', 'smiling with tear', 'sourire avec larme'],
      ['😳', 'flushed embarrassed', 'rougissant embarrassé'],
    ]),
  },
  {
    id: 'people',
    label: 'reactions.category.people',
    emojis: rows([
      ['👍', 'thumbs up like yes ok', 'pouce levé j’aime oui d’accord'],
      ['👎', 'thumbs down dislike no', 'pouce baissé je n’aime pas non'],
      ['👏', 'clapping applause bravo', 'applaudir applaudissements bravo'],
      ['🙌', 'raising hands hooray', 'mains levées hourra'],
      ['🙏', 'folded hands please thanks pray', 'mains jointes s’il te plaît merci prier'],
      ['🤝', 'handshake deal', 'poignée de main accord'],
      ['👋', 'waving hand hello bye', 'main qui salue bonjour au revoir'],
      ['👌', 'ok hand perfect', 'ok parfait'],
      ['✌️', 'victory peace', 'victoire paix'],
      ['🤞', 'crossed fingers luck', 'doigts croisés chance'],
      ['🤙', 'call me hand', 'appelle-moi'],
      ['👊', 'fist bump', 'coup de poing check'],
      ['💪', 'flexed biceps strong', 'biceps fort muscle'],
      ['👀', 'eyes look', 'yeux regarder'],
      ['🫡', 'salute', 'salut militaire'],
      ['🤷', 'shrug dunno', 'haussement d’épaules sais pas'],
      ['🤦', 'facepalm', 'paume sur le visage consterné'],
      ['🙋', 'raising hand', 'lever la main'],
      ['🙈', 'see no evil monkey', 'singe ne rien voir'],
      ['🫶', 'heart hands', 'mains en cœur'],
      ['👍🏻', 'thumbs up light skin tone', 'pouce levé peau claire'],
      ['👍🏽', 'thumbs up medium skin tone', 'pouce levé peau moyenne'],
      ['👍🏿', 'thumbs up dark skin tone', 'pouce levé peau foncée'],
      ['🧑‍💻', 'technologist developer computer', 'informaticien développeur ordinateur'],
    ]),
  },
  {
    id: 'nature',
    label: 'reactions.category.nature',
    emojis: rows([
      ['🐶', 'dog puppy', 'chien chiot'],
      ['🐱', 'cat kitten', 'chat chaton'],
      ['🦊', 'fox', 'renard'],
      ['🐻', 'bear', 'ours'],
      ['🐼', 'panda', 'panda'],
      ['🐸', 'frog', 'grenouille'],
      ['🐵', 'monkey', 'singe'],
      ['🦄', 'unicorn', 'licorne'],
      ['🐝', 'bee', 'abeille'],
      ['🦋', 'butterfly', 'papillon'],
      ['🐢', 'turtle slow', 'tortue lent'],
      ['🐙', 'octopus', 'pieuvre'],
      ['🌸', 'cherry blossom flower', 'fleur de cerisier'],
      ['🌹', 'rose flower', 'rose fleur'],
      ['🌻', 'sunflower', 'tournesol'],
      ['🌈', 'rainbow', 'arc-en-ciel'],
      ['☀️', 'sun sunny', 'soleil ensoleillé'],
      ['⭐', 'star', 'étoile'],
      ['🌙', 'moon night', 'lune nuit'],
      ['⚡', 'lightning zap', 'éclair'],
      ['🔥', 'fire lit hot', 'feu chaud'],
      ['❄️', 'snowflake cold', 'flocon froid'],
      ['🌊', 'wave sea', 'vague mer'],
      ['🍀', 'four leaf clover luck', 'trèfle chance'],
    ]),
  },
  {
    id: 'food',
    label: 'reactions.category.food',
    emojis: rows([
      ['🍕', 'pizza', 'pizza'],
      ['🍔', 'burger', 'hamburger'],
      ['🍟', 'fries', 'frites'],
      ['🌮', 'taco', 'taco'],
      ['🍣', 'sushi', 'sushi'],
      ['🍜', 'noodles ramen', 'nouilles ramen'],
      ['🥐', 'croissant', 'croissant'],
      ['🥖', 'baguette bread', 'baguette pain'],
      ['🧀', 'cheese', 'fromage'],
      ['🍎', 'apple', 'pomme'],
      ['🍓', 'strawberry', 'fraise'],
      ['🍉', 'watermelon', 'pastèque'],
      ['🥑', 'avocado', 'avocat'],
      ['🍩', 'doughnut', 'beignet donut'],
      ['🍪', 'cookie', 'cookie biscuit'],
      ['🎂', 'birthday cake', 'gâteau d’anniversaire'],
      ['🍫', 'chocolate', 'chocolat'],
      ['🍿', 'popcorn', 'pop-corn'],
      ['☕', 'coffee hot beverage', 'café boisson chaude'],
      ['🍵', 'tea', 'thé'],
      ['🍺', 'beer', 'bière'],
      ['🍷', 'wine', 'vin'],
      ['🥂', 'cheers clinking glasses', 'santé trinquer'],
      ['🍾', 'champagne bottle', 'bouteille de champagne'],
    ]),
  },
  {
    id: 'activities',
    label: 'reactions.category.activities',
    emojis: rows([
      ['🎉', 'party popper tada celebrate', 'cotillons fête célébrer'],
      ['🎊', 'confetti ball', 'confettis'],
      ['🎁', 'gift present', 'cadeau'],
      ['🎈', 'balloon', 'ballon de baudruche'],
      ['🏆', 'trophy win', 'trophée victoire'],
      ['🥇', 'gold medal first', 'médaille d’or premier'],
      ['⚽', 'soccer football', 'football ballon'],
      ['🏀', 'basketball', 'basket'],
      ['🎮', 'video game', 'jeu vidéo'],
      ['🎯', 'direct hit target bullseye', 'dans le mille cible'],
      ['🎵', 'music note', 'note de musique'],
      ['🎸', 'guitar', 'guitare'],
      ['🎬', 'clapper movie', 'clap cinéma film'],
      ['📸', 'camera flash photo', 'appareil photo'],
      ['✈️', 'airplane travel', 'avion voyage'],
      ['🚀', 'rocket launch', 'fusée décollage'],
      ['🚗', 'car', 'voiture'],
      ['🚲', 'bicycle bike', 'vélo'],
      ['🏖️', 'beach holiday', 'plage vacances'],
      ['🏠', 'house home', 'maison'],
      ['🗺️', 'world map', 'carte du monde'],
      ['⛰️', 'mountain', 'montagne'],
    ]),
  },
  {
    id: 'objects',
    label: 'reactions.category.objects',
    emojis: rows([
      ['💡', 'light bulb idea', 'ampoule idée'],
      ['📌', 'pushpin pin', 'punaise épingle'],
      ['📎', 'paperclip', 'trombone'],
      ['📝', 'memo note', 'note mémo'],
      ['📅', 'calendar date', 'calendrier date'],
      ['⏰', 'alarm clock', 'réveil'],
      ['⌛', 'hourglass wait', 'sablier attendre'],
      ['💻', 'laptop computer', 'ordinateur portable'],
      ['📱', 'mobile phone', 'téléphone portable'],
      ['🔔', 'bell notification', 'cloche notification'],
      ['🔒', 'lock locked', 'cadenas verrouillé'],
      ['🔑', 'key', 'clé'],
      ['💰', 'money bag', 'sac d’argent'],
      ['💸', 'money with wings spend', 'argent qui s’envole dépenser'],
      ['📦', 'package box parcel', 'colis paquet carton'],
      ['🛒', 'shopping cart', 'caddie panier'],
      ['🧠', 'brain smart', 'cerveau intelligent'],
      ['👑', 'crown king queen', 'couronne roi reine'],
      ['💎', 'gem diamond', 'diamant pierre précieuse'],
      ['🧩', 'puzzle piece', 'pièce de puzzle'],
    ]),
  },
  {
    id: 'symbols',
    label: 'reactions.category.symbols',
    emojis: rows([
      ['❤️', 'red heart love', 'cœur rouge amour'],
      ['🧡', 'orange heart', 'cœur orange'],
      ['💛', 'yellow heart', 'cœur jaune'],
      ['💚', 'green heart', 'cœur vert'],
      ['💙', 'blue heart', 'cœur bleu'],
      ['💜', 'purple heart', 'cœur violet'],
      ['🖤', 'black heart', 'cœur noir'],
      ['🤍', 'white heart', 'cœur blanc'],
      ['💔', 'broken heart', 'cœur brisé'],
      ['❤️‍🔥', 'heart on fire', 'cœur enflammé'],
      ['💕', 'two hearts', 'deux cœurs'],
      ['💯', 'hundred points perfect', 'cent points parfait'],
      ['✅', 'check mark done yes', 'coche fait oui'],
      ['❌', 'cross mark no', 'croix non'],
      ['❗', 'exclamation mark', 'point d’exclamation'],
      ['❓', 'question mark', 'point d’interrogation'],
      ['⚠️', 'warning', 'attention avertissement'],
      ['🚫', 'prohibited forbidden', 'interdit'],
      ['✨', 'sparkles', 'étincelles'],
      ['💤', 'zzz sleep', 'zzz sommeil'],
      ['🆗', 'ok button', 'bouton ok'],
      ['🆕', 'new button', 'bouton nouveau'],
      ['1️⃣', 'keycap one', 'touche un'],
      ['➕', 'plus', 'plus'],
    ]),
  },
  {
    id: 'flags',
    label: 'reactions.category.flags',
    emojis: rows([
      ['🏁', 'chequered flag finish', 'drapeau à damier arrivée'],
      ['🏳️‍🌈', 'rainbow flag pride', 'drapeau arc-en-ciel fierté'],
      ['🇫🇷', 'flag France', 'drapeau France'],
      ['🇧🇪', 'flag Belgium', 'drapeau Belgique'],
      ['🇨🇭', 'flag Switzerland', 'drapeau Suisse'],
      ['🇨🇦', 'flag Canada', 'drapeau Canada'],
      ['🇬🇧', 'flag United Kingdom', 'drapeau Royaume-Uni'],
      ['🇺🇸', 'flag United States', 'drapeau États-Unis'],
      ['🇩🇪', 'flag Germany', 'drapeau Allemagne'],
      ['🇪🇸', 'flag Spain', 'drapeau Espagne'],
      ['🇮🇹', 'flag Italy', 'drapeau Italie'],
      ['🇯🇵', 'flag Japan', 'drapeau Japon'],
      ['🇧🇷', 'flag Brazil', 'drapeau Brésil'],
      ['🇪🇺', 'flag European Union', 'drapeau Union européenne'],
    ]),
  },
];

/** Lower case, without accents or apostrophe variants: "Cœur", "coeur" and "cœur" all match. */
export function foldForSearch(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[’']/g, ' ');
}

/**
 * The emoji whose English or French names hold every word of `query` (each word the start of a word of
 * the names), in the grid's order, each once; the emoji itself typed as the query finds it too.
 */
export function searchEmoji(query: string): EmojiEntry[] {
  const words = foldForSearch(query.trim()).split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const seen = new Set<string>();
  const found: EmojiEntry[] = [];
  for (const c of EMOJI_CATEGORIES) {
    for (const e of c.emojis) {
      if (seen.has(e.emoji)) continue;
      const names = ` ${foldForSearch(`${e.en} ${e.fr}`).replace(/[-]/g, ' ')}`;
      if (query.trim() === e.emoji || words.every((w) => names.includes(` ${w}`))) {
        seen.add(e.emoji);
        found.push(e);
      }
    }
  }
  return found;
}
